package org.ckcoop.backbone.checkpoint;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random CLIP weights for tests, demos and benchmarks, with CLIP's initialisation scales and
 * non-trivial layer-norm parameters and biases (so that a wrong tensor mapping changes the output).
 * Values are rounded to bfloat16 precision within float16's normal range, so the same checkpoint
 * stored as F32, F16 or BF16 holds identical values.
 */
public final class RandomWeights {
  private static final float MIN_F16_NORMAL = 0x1p-14f;

  private RandomWeights() {}

  /** Generates a checkpoint of {@code architecture}, fully determined by {@code seed}. */
  public static ClipCheckpoint generate(ClipArchitecture architecture, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, FloatTensor> weights = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : architecture.expectedShapes().entrySet()) {
      String name = e.getKey();
      long[] shape = e.getValue();
      weights.put(name, new FloatTensor(shape, values(name, shape, architecture, random)));
    }
    return new ClipCheckpoint(
        Path.of("random-seed-" + seed), "random", architecture, ImageNormalization.CLIP, weights);
  }

  private static float[] values(String name, long[] shape, ClipArchitecture a, SplittableRandom random) {
    long count = 1;
    for (long d : shape) {
      count *= d;
    }
    float[] out = new float[Math.toIntExact(count)];
    if (name.equals("logit_scale")) {
      out[0] = (float) Math.log(1 / 0.07);
      return storable(out);
    }
    boolean visual = name.startsWith("visual.");
    if (visual && a.imageTower() instanceof ResNetShape r) {
      return storable(resNetValues(name, shape, r, random, out));
    }
    TowerShape tower = visual ? a.vision() : a.text();
    double width = tower.width();
    double mean = 0;
    double std;
    if (name.endsWith("ln_1.weight") || name.endsWith("ln_2.weight") || name.contains("ln_pre.weight")
        || name.contains("ln_post.weight") || name.equals("ln_final.weight")) {
      mean = 1;
      std = 0.1;
    } else if (name.endsWith("bias")) {
      std = 0.02;
    } else if (name.equals("token_embedding.weight")) {
      std = 0.02;
    } else if (name.equals("positional_embedding")) {
      std = 0.01;
    } else if (name.equals("visual.class_embedding") || name.equals("visual.positional_embedding")
        || name.equals("visual.proj") || name.equals("text_projection")) {
      std = Math.pow(width, -0.5);
    } else if (name.endsWith("attn.in_proj_weight")) {
      std = Math.pow(width, -0.5);
    } else if (name.endsWith("attn.out_proj.weight") || name.endsWith("mlp.c_proj.weight")) {
      std = Math.pow(width, -0.5) * Math.pow(2.0 * tower.layers(), -0.5);
    } else if (name.endsWith("mlp.c_fc.weight")) {
      std = Math.pow(2 * width, -0.5);
    } else if (name.equals("visual.conv1.weight")) {
      std = Math.pow(3.0 * a.patchSize() * a.patchSize(), -0.5);
    } else {
      throw new IllegalStateException("no initialisation rule for " + name);
    }
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (mean + std * random.nextGaussian());
    }
    return storable(out);
  }

  /**
   * ResNet weights: convolutions with std {@code fan_in^-0.5}; batch norms with scale ~ 1 (0.5 for a
   * block's last one, a tamer residual branch in deep stacks; CLIP starts those at 0), small shifts and
   * running means, running variances in [0.5, 1.5); the attention pool with CLIP's
   * {@code pool_width^-0.5}.
   */
  private static float[] resNetValues(String name, long[] shape, ResNetShape r, SplittableRandom random, float[] out) {
    double mean = 0;
    double std;
    boolean batchNorm = name.matches(".*\\.(bn\\d|downsample\\.1)\\.[a-z_]+$");
    if (batchNorm && name.endsWith(".running_var")) {
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) (0.5 + random.nextDouble());
      }
      return out;
    } else if (batchNorm && name.endsWith(".running_mean")) {
      std = 0.1;
    } else if (batchNorm && name.endsWith(".weight")) {
      mean = name.startsWith("visual.layer") && name.endsWith(".bn3.weight") ? 0.5 : 1.0;
      std = 0.1;
    } else if (name.endsWith("bias")) {
      std = 0.02;
    } else if (shape.length == 4) {
      std = Math.pow((double) shape[1] * shape[2] * shape[3], -0.5);
    } else if (name.startsWith("visual.attnpool.")) {
      std = Math.pow(r.poolWidth(), -0.5);
    } else {
      throw new IllegalStateException("no initialisation rule for " + name);
    }
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (mean + std * random.nextGaussian());
    }
    return out;
  }

  /** Rounds to bfloat16 precision and flushes magnitudes below float16's normal range to zero. */
  private static float[] storable(float[] values) {
    for (int i = 0; i < values.length; i++) {
      int bits = Float.floatToRawIntBits(values[i]);
      bits = (bits + 0x7fff + ((bits >>> 16) & 1)) & 0xffff0000;
      float v = Float.intBitsToFloat(bits);
      values[i] = Math.abs(v) < MIN_F16_NORMAL ? 0f : v;
    }
    return values;
  }
}
