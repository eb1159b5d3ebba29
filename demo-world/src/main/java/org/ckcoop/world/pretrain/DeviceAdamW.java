package org.ckcoop.world.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.common.engine.EngineArrays;

/**
 * AdamW with PyTorch's semantics (decoupled weight decay, bias-corrected moments):
 * {@code p -= lr * wd * p + lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)}, computed with
 * NDArray ops on the parameters' device, so nothing crosses to Java per step (the same code runs on a
 * GPU).
 *
 * <p>The moments are kept as one flat array each, and every step concatenates the gradients (and the
 * parameters, for the decay) into flat arrays too: the arithmetic is then a dozen large element-wise
 * kernels instead of a dozen per parameter. That matters on a CPU with passive OpenMP waiting, where
 * every parallel kernel wakes the worker threads (measured on the mini preset: 29 ms per step with
 * per-parameter kernels). Each step runs in an {@link NDScope} that closes its temporaries; the
 * gradients are reset to zero in place afterwards. Call {@link #step(double)} outside a gradient
 * collector.
 */
public final class DeviceAdamW implements AutoCloseable {
  private final Map<String, NDArray> parameters;
  private final Map<String, Integer> offsets = new LinkedHashMap<>();
  private final int[] sizes;
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private final NDManager manager;
  private final NDArray first;
  private final NDArray second;
  private final NDArray decayMask;
  private long steps;

  /**
   * Creates the optimiser with zero moments.
   *
   * @param parameters the arrays to update, by name (F32, all on one device)
   * @param decayed the names that get weight decay (the others get none)
   */
  public DeviceAdamW(Map<String, NDArray> parameters, Set<String> decayed, double beta1, double beta2, double epsilon,
      double weightDecay) {
    if (parameters.isEmpty()) {
      throw new IllegalArgumentException("no parameters to optimise");
    }
    this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    this.sizes = new int[parameters.size()];
    int total = 0;
    int i = 0;
    for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
      offsets.put(e.getKey(), total);
      sizes[i++] = Math.toIntExact(e.getValue().getShape().size());
      total += sizes[i - 1];
    }
    float[] mask = new float[total];
    for (Map.Entry<String, Integer> e : offsets.entrySet()) {
      if (decayed.contains(e.getKey())) {
        int at = e.getValue();
        Arrays.fill(mask, at, at + Math.toIntExact(parameters.get(e.getKey()).getShape().size()), 1f);
      }
    }
    this.manager = EngineRuntime.engine().newBaseManager(parameters.values().iterator().next().getDevice());
    this.manager.setName("adamw-moments");
    this.first = manager.zeros(new Shape(total));
    this.second = manager.zeros(new Shape(total));
    this.decayMask = EngineArrays.of(manager, mask);
  }

  /** Returns the number of updates applied so far. */
  public long steps() {
    return steps;
  }

  /** Applies one update with learning rate {@code lr} from the accumulated gradients, then zeroes them. */
  public void step(double lr) {
    steps++;
    double correction1 = 1 - Math.pow(beta1, steps);
    double sqrtCorrection2 = Math.sqrt(1 - Math.pow(beta2, steps));
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDList gradients = new NDList(parameters.size());
      NDList values = new NDList(parameters.size());
      for (NDArray p : parameters.values()) {
        gradients.add(p.getGradient());
        values.add(p);
      }
      NDArray g = NDArrays.concat(flat(gradients));
      NDArray w = NDArrays.concat(flat(values));
      first.muli(scalar(beta1)).addi(g.mul(scalar(1 - beta1)));
      second.muli(scalar(beta2)).addi(g.mul(g).muli(scalar(1 - beta2)));
      // m / (sqrt(v) / c2 + eps) * lr / c1 == m / (sqrt(v) + eps * c2) * (lr * c2 / c1)
      NDArray update = first.div(second.sqrt().addi(scalar(epsilon * sqrtCorrection2)))
          .muli(scalar(lr * sqrtCorrection2 / correction1));
      update.addi(w.mul(decayMask).muli(scalar(lr * weightDecay)));
      NDList pieces = update.split(prefixSums(), 0);
      NDArray zero = scalar(0);
      int i = 0;
      for (NDArray p : parameters.values()) {
        p.subi(pieces.get(i).reshape(p.getShape()));
        gradients.get(i).muli(zero);
        i++;
      }
    }
  }

  /** A 0-d engine-owned constant (float32, as {@code muli((float) v)} made); closed with the step's scope. */
  private NDArray scalar(double value) {
    return EngineArrays.scalar(manager, (float) value);
  }

  private static NDList flat(NDList arrays) {
    NDList out = new NDList(arrays.size());
    for (NDArray a : arrays) {
      out.add(a.reshape(-1));
    }
    return out;
  }

  private long[] prefixSums() {
    long[] cuts = new long[sizes.length - 1];
    long at = 0;
    for (int i = 0; i < cuts.length; i++) {
      at += sizes[i];
      cuts[i] = at;
    }
    return cuts;
  }

  /** Returns copies of the first moments by parameter name. */
  public Map<String, float[]> firstMoments() {
    return split(first.toFloatArray());
  }

  /** Returns copies of the second moments by parameter name. */
  public Map<String, float[]> secondMoments() {
    return split(second.toFloatArray());
  }

  private Map<String, float[]> split(float[] flat) {
    Map<String, float[]> out = new LinkedHashMap<>();
    int i = 0;
    for (Map.Entry<String, Integer> e : offsets.entrySet()) {
      out.put(e.getKey(), Arrays.copyOfRange(flat, e.getValue(), e.getValue() + sizes[i++]));
    }
    return out;
  }

  /**
   * Restores moments and the update count saved by {@link #firstMoments()}, {@link #secondMoments()}
   * and {@link #steps()}.
   *
   * @throws IllegalArgumentException when a parameter's moment is missing or has the wrong size
   */
  public void restore(Map<String, float[]> firstMoments, Map<String, float[]> secondMoments, long updates) {
    overwrite(first, join(firstMoments, "first moment"));
    overwrite(second, join(secondMoments, "second moment"));
    this.steps = updates;
  }

  private float[] join(Map<String, float[]> moments, String what) {
    float[] flat = new float[Math.toIntExact(first.getShape().size())];
    int i = 0;
    for (Map.Entry<String, Integer> e : offsets.entrySet()) {
      float[] values = moments.get(e.getKey());
      if (values == null || values.length != sizes[i]) {
        throw new IllegalArgumentException("optimiser state for " + e.getKey() + " (" + what + "): expected "
            + sizes[i] + " values, got " + (values == null ? "none" : values.length));
      }
      System.arraycopy(values, 0, flat, e.getValue(), sizes[i++]);
    }
    return flat;
  }

  private void overwrite(NDArray target, float[] values) {
    EngineArrays.overwrite(target, values);
  }

  /** Releases the moments. */
  @Override
  public void close() {
    manager.close();
  }
}
