package org.ckcoop.core.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Java reference of {@link AdamW} (double-precision moments update): AdamW with PyTorch's semantics: decoupled weight decay {@code p = p * (1 - lr * wd)}, then Adam
 * with bias-corrected moments {@code p -= lr * m_hat / (sqrt(v_hat) + eps)}.
 */
final class ReferenceAdamW {
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private final Map<String, float[]> first = new LinkedHashMap<>();
  private final Map<String, float[]> second = new LinkedHashMap<>();
  private final Map<String, Long> steps = new LinkedHashMap<>();

  /** Creates AdamW. */
  ReferenceAdamW(double beta1, double beta2, double epsilon, double weightDecay) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
  }

  void step(String name, float[] parameter, float[] gradient, double learningRate) {
    float[] m = first.computeIfAbsent(name, k -> new float[parameter.length]);
    float[] v = second.computeIfAbsent(name, k -> new float[parameter.length]);
    long t = steps.merge(name, 1L, Long::sum);
    double correction1 = 1 - Math.pow(beta1, t);
    double correction2 = 1 - Math.pow(beta2, t);
    float decay = (float) (1 - learningRate * weightDecay);
    for (int i = 0; i < parameter.length; i++) {
      parameter[i] *= decay;
      m[i] = (float) (beta1 * m[i] + (1 - beta1) * gradient[i]);
      v[i] = (float) (beta2 * v[i] + (1 - beta2) * gradient[i] * gradient[i]);
      double denominator = Math.sqrt(v[i] / correction2) + epsilon;
      parameter[i] -= (float) (learningRate * (m[i] / correction1) / denominator);
    }
  }

  Map<String, float[]> state() {
    Map<String, float[]> out = new LinkedHashMap<>();
    first.forEach((k, v) -> out.put(k + ".exp_avg", v.clone()));
    second.forEach((k, v) -> out.put(k + ".exp_avg_sq", v.clone()));
    steps.forEach((k, v) -> out.put(k + ".step", new float[] {v}));
    return out;
  }

  void loadState(Map<String, float[]> state) {
    first.clear();
    second.clear();
    steps.clear();
    state.forEach((k, v) -> {
      if (k.endsWith(".exp_avg")) {
        first.put(k.substring(0, k.length() - 8), v.clone());
      } else if (k.endsWith(".exp_avg_sq")) {
        second.put(k.substring(0, k.length() - 11), v.clone());
      } else if (k.endsWith(".step")) {
        steps.put(k.substring(0, k.length() - 5), (long) v[0]);
      } else {
        throw new IllegalArgumentException("unexpected AdamW state entry '" + k + "'");
      }
    });
  }
}
