package org.ckcoop.core.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Java reference of {@link Sgd} (the trainer's optimiser until the device one): stochastic gradient descent with PyTorch's semantics (as CoOp uses it through Dassl): weight decay
 * added to the gradient ({@code d = g + wd * p}), momentum buffer initialised with the first
 * {@code d} and then {@code buf = momentum * buf + d} (no dampening, no Nesterov), and
 * {@code p = p - lr * buf}. All arithmetic in float, as PyTorch does for F32 parameters.
 */
final class ReferenceSgd {
  private final float momentum;
  private final float weightDecay;
  private final Map<String, float[]> buffers = new LinkedHashMap<>();

  /** Creates SGD with the given momentum (0 for none) and weight decay. */
  ReferenceSgd(double momentum, double weightDecay) {
    this.momentum = (float) momentum;
    this.weightDecay = (float) weightDecay;
  }

  void step(String name, float[] parameter, float[] gradient, double learningRate) {
    float lr = (float) learningRate;
    float[] buffer = buffers.get(name);
    boolean first = buffer == null;
    if (first && momentum != 0) {
      buffer = new float[parameter.length];
      buffers.put(name, buffer);
    }
    for (int i = 0; i < parameter.length; i++) {
      float d = gradient[i] + weightDecay * parameter[i];
      if (momentum != 0) {
        buffer[i] = first ? d : momentum * buffer[i] + d;
        d = buffer[i];
      }
      parameter[i] = parameter[i] - lr * d;
    }
  }

  Map<String, float[]> state() {
    Map<String, float[]> out = new LinkedHashMap<>();
    buffers.forEach((k, v) -> out.put(k + ".momentum", v.clone()));
    return out;
  }

  void loadState(Map<String, float[]> state) {
    buffers.clear();
    state.forEach((k, v) -> {
      if (!k.endsWith(".momentum")) {
        throw new IllegalArgumentException("unexpected SGD state entry '" + k + "'");
      }
      buffers.put(k.substring(0, k.length() - ".momentum".length()), v.clone());
    });
  }
}
