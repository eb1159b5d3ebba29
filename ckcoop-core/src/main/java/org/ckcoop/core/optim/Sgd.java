package org.ckcoop.core.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.ckcoop.common.engine.EngineArrays;
import org.ckcoop.common.engine.EngineRuntime;

/**
 * Stochastic gradient descent with PyTorch's semantics (as CoOp uses it through Dassl), on the
 * parameters' device: weight decay added to the gradient ({@code d = g + wd * p}), momentum buffer
 * initialised with the first {@code d} and then {@code buf = momentum * buf + d} (no dampening, no
 * Nesterov), and {@code p = p - lr * buf}. All arithmetic in float32, as PyTorch does for F32
 * parameters, in the same order (so it equals a float Java loop to the bit).
 */
public final class Sgd implements Optimizer {
  private final float momentum;
  private final float weightDecay;
  private final Device device;
  private final DeviceState buffers;

  /** Creates SGD with the given momentum (0 for none) and weight decay, for parameters on {@code device}. */
  public Sgd(double momentum, double weightDecay, Device device) {
    this.momentum = (float) momentum;
    this.weightDecay = (float) weightDecay;
    this.device = device;
    this.buffers = new DeviceState(device);
  }

  @Override
  public void step(Map<String, NDArray> parameters, Map<String, NDArray> gradients, double learningRate) {
    try (NDManager step = EngineRuntime.engine().newBaseManager(device)) {
      NDArray lr = EngineArrays.scalar(step, (float) learningRate);
      NDArray wd = EngineArrays.scalar(step, weightDecay);
      NDArray mom = EngineArrays.scalar(step, momentum);
      for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
        NDArray p = e.getValue();
        // Every temporary is made by an op on a step array, so it belongs to the step manager.
        NDArray d = wd.mul(p).addi(gradients.get(e.getKey())); // g + wd * p
        if (momentum != 0) {
          NDArray buffer = buffers.shaped(e.getKey(), p.getShape());
          if (buffer == null) {
            buffer = buffers.put(e.getKey(), d);
          } else {
            buffer.muli(mom).addi(d);
          }
          d = buffer;
        }
        p.subi(lr.mul(d));
      }
    }
  }

  @Override
  public Map<String, float[]> state() {
    Map<String, float[]> out = new java.util.LinkedHashMap<>();
    buffers.copies().forEach((k, v) -> out.put(k + ".momentum", v));
    return out;
  }

  @Override
  public void loadState(Map<String, float[]> state) {
    buffers.clear();
    state.forEach((k, v) -> {
      if (!k.endsWith(".momentum")) {
        throw new IllegalArgumentException("unexpected SGD state entry '" + k + "'");
      }
      buffers.put(k.substring(0, k.length() - ".momentum".length()), v, new Shape(v.length));
    });
  }

  @Override
  public void close() {
    buffers.close();
  }
}
