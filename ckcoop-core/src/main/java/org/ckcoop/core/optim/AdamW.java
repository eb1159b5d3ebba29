package org.ckcoop.core.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ckcoop.common.engine.EngineArrays;
import org.ckcoop.common.engine.EngineRuntime;

/**
 * AdamW with PyTorch's semantics, on the parameters' device: decoupled weight decay
 * {@code p = p * (1 - lr * wd)}, then Adam with bias-corrected moments
 * {@code p -= lr * (m / c1) / (sqrt(v / c2) + eps)}, in float32 like PyTorch for F32 parameters.
 */
public final class AdamW implements Optimizer {
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private final Device device;
  private final DeviceState first;
  private final DeviceState second;
  private final Map<String, Long> steps = new LinkedHashMap<>();

  /** Creates AdamW for parameters on {@code device}. */
  public AdamW(double beta1, double beta2, double epsilon, double weightDecay, Device device) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    this.device = device;
    this.first = new DeviceState(device);
    this.second = new DeviceState(device);
  }

  @Override
  public void step(Map<String, NDArray> parameters, Map<String, NDArray> gradients, double learningRate) {
    try (NDManager step = EngineRuntime.engine().newBaseManager(device)) {
      NDArray decay = EngineArrays.scalar(step, (float) (1 - learningRate * weightDecay));
      NDArray b1 = EngineArrays.scalar(step, (float) beta1);
      NDArray b2 = EngineArrays.scalar(step, (float) beta2);
      NDArray oneMinusB1 = EngineArrays.scalar(step, (float) (1 - beta1));
      NDArray oneMinusB2 = EngineArrays.scalar(step, (float) (1 - beta2));
      NDArray eps = EngineArrays.scalar(step, (float) epsilon);
      NDArray lr = EngineArrays.scalar(step, (float) learningRate);
      for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
        String name = e.getKey();
        NDArray p = e.getValue();
        NDArray g = gradients.get(name);
        NDArray m = first.shaped(name, p.getShape());
        NDArray v = second.shaped(name, p.getShape());
        if (m == null) {
          m = first.put(name, step.zeros(p.getShape()));
          v = second.put(name, step.zeros(p.getShape()));
        }
        long t = steps.merge(name, 1L, Long::sum);
        NDArray c1 = EngineArrays.scalar(step, (float) (1 - Math.pow(beta1, t)));
        NDArray c2 = EngineArrays.scalar(step, (float) (1 - Math.pow(beta2, t)));
        p.muli(decay);
        m.muli(b1).addi(oneMinusB1.mul(g));
        v.muli(b2).addi(oneMinusB2.mul(g).muli(g));
        // views on the step manager, so every temporary belongs to it (not to the state's manager)
        NDArray denominator = inStep(step, v).div(c2).sqrt().addi(eps);         // sqrt(v / c2) + eps
        p.subi(lr.mul(inStep(step, m).div(c1)).divi(denominator));               // lr * (m / c1) / denominator
      }
    }
  }

  private static NDArray inStep(NDManager step, NDArray x) {
    return x.get(step, new ai.djl.ndarray.index.NDIndex("..."));
  }

  @Override
  public Map<String, float[]> state() {
    Map<String, float[]> out = new LinkedHashMap<>();
    first.copies().forEach((k, v) -> out.put(k + ".exp_avg", v));
    second.copies().forEach((k, v) -> out.put(k + ".exp_avg_sq", v));
    steps.forEach((k, v) -> out.put(k + ".step", new float[] {v}));
    return out;
  }

  @Override
  public void loadState(Map<String, float[]> state) {
    first.clear();
    second.clear();
    steps.clear();
    state.forEach((k, v) -> {
      if (k.endsWith(".exp_avg")) {
        first.put(k.substring(0, k.length() - 8), v, new Shape(v.length));
      } else if (k.endsWith(".exp_avg_sq")) {
        second.put(k.substring(0, k.length() - 11), v, new Shape(v.length));
      } else if (k.endsWith(".step")) {
        steps.put(k.substring(0, k.length() - 5), (long) v[0]);
      } else {
        throw new IllegalArgumentException("unexpected AdamW state entry '" + k + "'");
      }
    });
  }

  @Override
  public void close() {
    first.close();
    second.close();
  }
}
