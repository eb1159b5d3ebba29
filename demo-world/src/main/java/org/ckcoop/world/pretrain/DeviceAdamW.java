package org.ckcoop.world.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.ckcoop.backbone.EngineRuntime;

/**
 * AdamW with PyTorch's semantics (decoupled weight decay {@code p *= 1 - lr * wd}, then
 * {@code p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)}) computed with NDArray ops on the
 * parameters' device, so nothing crosses to Java per step (the same code runs on a GPU). The moments
 * are created up front on the optimiser's own manager; each update runs in an {@link NDScope} that
 * closes its temporaries, and resets the parameter's gradient to zero in place afterwards.
 * Call {@link #step(double)} outside a gradient collector.
 */
public final class DeviceAdamW implements AutoCloseable {
  private final Map<String, NDArray> parameters;
  private final Set<String> decayed;
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private final NDManager manager;
  private final Map<String, NDArray> first = new LinkedHashMap<>();
  private final Map<String, NDArray> second = new LinkedHashMap<>();
  private long steps;

  /**
   * Creates the optimiser with zero moments.
   *
   * @param parameters the arrays to update, by name
   * @param decayed the names that get weight decay (the others get none)
   */
  public DeviceAdamW(Map<String, NDArray> parameters, Set<String> decayed, double beta1, double beta2, double epsilon,
      double weightDecay) {
    this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    this.decayed = Set.copyOf(decayed);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    this.manager = EngineRuntime.engine().newBaseManager(
        parameters.values().iterator().next().getDevice());
    this.manager.setName("adamw-moments");
    parameters.forEach((name, p) -> {
      first.put(name, manager.zeros(p.getShape(), p.getDataType()));
      second.put(name, manager.zeros(p.getShape(), p.getDataType()));
    });
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
    for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
      NDArray p = e.getValue();
      if (!p.hasGradient()) {
        continue;
      }
      NDArray m = first.get(e.getKey());
      NDArray v = second.get(e.getKey());
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDArray g = p.getGradient();
        if (decayed.contains(e.getKey())) {
          p.muli((float) (1 - lr * weightDecay));
        }
        m.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
        v.muli((float) beta2).addi(g.mul(g).muli((float) (1 - beta2)));
        NDArray denominator = v.sqrt().divi((float) sqrtCorrection2).addi((float) epsilon);
        p.subi(m.div(denominator).muli((float) (lr / correction1)));
        g.muli(0f);
      }
    }
  }

  /** Returns copies of the first moments by parameter name. */
  public Map<String, float[]> firstMoments() {
    return copy(first);
  }

  /** Returns copies of the second moments by parameter name. */
  public Map<String, float[]> secondMoments() {
    return copy(second);
  }

  /**
   * Restores moments and the update count saved by {@link #firstMoments()}, {@link #secondMoments()}
   * and {@link #steps()}.
   *
   * @throws IllegalArgumentException when a parameter's moment is missing or has the wrong size
   */
  public void restore(Map<String, float[]> firstMoments, Map<String, float[]> secondMoments, long updates) {
    for (String name : parameters.keySet()) {
      overwrite(first.get(name), firstMoments.get(name), name + " (first moment)");
      overwrite(second.get(name), secondMoments.get(name), name + " (second moment)");
    }
    this.steps = updates;
  }

  private void overwrite(NDArray target, float[] values, String what) {
    if (values == null || values.length != target.getShape().size()) {
      throw new IllegalArgumentException("optimiser state for " + what + ": expected " + target.getShape().size()
          + " values, got " + (values == null ? "none" : values.length));
    }
    try (NDManager scratch = manager.newSubManager()) {
      target.set(new ai.djl.ndarray.index.NDIndex("..."), scratch.create(values, target.getShape()));
    }
  }

  private static Map<String, float[]> copy(Map<String, NDArray> arrays) {
    Map<String, float[]> out = new LinkedHashMap<>();
    arrays.forEach((name, a) -> out.put(name, a.toFloatArray()));
    return out;
  }

  /** Releases the moments. */
  @Override
  public void close() {
    manager.close();
  }
}
