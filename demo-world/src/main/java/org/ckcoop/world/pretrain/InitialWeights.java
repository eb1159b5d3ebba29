package org.ckcoop.world.pretrain;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.ckcoop.backbone.checkpoint.ClipArchitecture;
import org.ckcoop.backbone.checkpoint.ClipCheckpoint;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.backbone.checkpoint.ImageNormalization;
import org.ckcoop.backbone.checkpoint.TowerShape;

/**
 * CLIP's initialisation ({@code CLIP.initialize_parameters} in OpenAI's code) for training from
 * scratch, fully determined by a seed: normal weights with CLIP's standard deviations, layer norms at
 * weight 1 and bias 0, every bias 0, {@code logit_scale = ln(1 / 0.07)}. The patch convolution, which
 * CLIP leaves at PyTorch's default, gets a normal with std {@code (3 p^2)^-0.5}.
 */
public final class InitialWeights {
  private InitialWeights() {}

  /** Returns the initial checkpoint of {@code architecture} for {@code seed} (CLIP's normalisation). */
  public static ClipCheckpoint generate(ClipArchitecture architecture, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, FloatTensor> weights = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : architecture.expectedShapes().entrySet()) {
      long[] shape = e.getValue();
      long count = 1;
      for (long d : shape) {
        count *= d;
      }
      float[] values = new float[Math.toIntExact(count)];
      String name = e.getKey();
      if (name.equals("logit_scale")) {
        values[0] = (float) Math.log(1 / 0.07);
      } else if (isLayerNormWeight(name)) {
        java.util.Arrays.fill(values, 1f);
      } else if (!name.endsWith("bias")) {
        double std = std(name, architecture);
        for (int i = 0; i < values.length; i++) {
          values[i] = (float) (std * random.nextGaussian());
        }
      }
      weights.put(name, new FloatTensor(shape, values));
    }
    return new ClipCheckpoint(Path.of("init-seed-" + seed), "initial", architecture, ImageNormalization.CLIP, weights);
  }

  private static boolean isLayerNormWeight(String name) {
    return name.endsWith("ln_1.weight") || name.endsWith("ln_2.weight") || name.equals("visual.ln_pre.weight")
        || name.equals("visual.ln_post.weight") || name.equals("ln_final.weight");
  }

  private static double std(String name, ClipArchitecture a) {
    TowerShape tower = name.startsWith("visual.") ? a.vision() : a.text();
    double width = tower.width();
    double attention = Math.pow(width, -0.5);
    double projection = attention * Math.pow(2.0 * tower.layers(), -0.5);
    if (name.equals("token_embedding.weight")) {
      return 0.02;
    } else if (name.equals("positional_embedding")) {
      return 0.01;
    } else if (name.equals("visual.class_embedding") || name.equals("visual.positional_embedding")
        || name.equals("visual.proj") || name.equals("text_projection")) {
      return attention;
    } else if (name.endsWith("attn.in_proj_weight")) {
      return attention;
    } else if (name.endsWith("attn.out_proj.weight") || name.endsWith("mlp.c_proj.weight")) {
      return projection;
    } else if (name.endsWith("mlp.c_fc.weight")) {
      return Math.pow(2 * width, -0.5);
    } else if (name.equals("visual.conv1.weight")) {
      return Math.pow(3.0 * a.patchSize() * a.patchSize(), -0.5);
    }
    throw new IllegalStateException("no initialisation rule for " + name);
  }
}
