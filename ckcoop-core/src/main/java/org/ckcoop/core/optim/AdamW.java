package org.ckcoop.core.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.ckcoop.common.engine.EngineArrays;
import org.ckcoop.common.engine.EngineRuntime;

/**
 * AdamW with PyTorch's semantics, on the parameters' device: decoupled weight decay
 * {@code p = p * (1 - lr * wd)} (only for the parameters {@code decayed} accepts), then Adam with
 * bias-corrected moments {@code p -= lr * (m / c1) / (sqrt(v / c2) + eps)}, in float32 like PyTorch
 * for F32 parameters. The project's one AdamW: the prompt learners' trainer and the demo world's
 * CLIP pretraining both use it.
 *
 * <p>The moments are kept as one flat array each, and every step concatenates the gradients and the
 * parameters into flat arrays: the arithmetic is a dozen large element-wise kernels instead of a dozen
 * per parameter (on a CPU with passive OpenMP waiting every parallel kernel wakes the worker threads;
 * measured on the mini-CLIP pretraining: 29 ms per step with per-parameter kernels). Element-wise
 * float32 operations round the same however the elements are laid out, so this gives the values the
 * per-parameter form gives. The layout is fixed by the first step (or by {@link #loadState}): later
 * steps must pass the same parameters.
 */
public final class AdamW implements Optimizer {
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private final Device device;
  private final Predicate<String> decayed;
  private final Map<String, Integer> offsets = new LinkedHashMap<>();
  private final Map<String, Shape> shapes = new LinkedHashMap<>();
  private NDManager manager;
  private NDArray first;
  private NDArray second;
  private NDArray decayMask;
  private long steps;
  private Map<String, float[]> pending;

  /** Creates AdamW for parameters on {@code device}, every parameter decayed. */
  public AdamW(double beta1, double beta2, double epsilon, double weightDecay, Device device) {
    this(beta1, beta2, epsilon, weightDecay, device, name -> true);
  }

  /**
   * Creates AdamW for parameters on {@code device}.
   *
   * @param decayed which parameters (by name) get weight decay; the others get none
   */
  public AdamW(double beta1, double beta2, double epsilon, double weightDecay, Device device,
      Predicate<String> decayed) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    this.device = device;
    this.decayed = decayed;
  }

  /** Returns the number of updates applied so far. */
  public long steps() {
    return steps;
  }

  @Override
  public void step(Map<String, NDArray> parameters, Map<String, NDArray> gradients, double learningRate) {
    if (manager == null) {
      layOut(parameters);
    } else {
      checkLayout(parameters);
    }
    steps++;
    try (NDManager step = manager.newSubManager()) {
      NDList g = new NDList(parameters.size());
      NDList w = new NDList(parameters.size());
      for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
        NDArray gradient = gradients.get(e.getKey());
        if (gradient == null) {
          throw new IllegalArgumentException("no gradient for parameter '" + e.getKey() + "'");
        }
        g.add(inStep(step, gradient).reshape(-1));
        w.add(inStep(step, e.getValue()).reshape(-1));
      }
      NDArray gFlat = NDArrays.concat(g);
      NDArray wFlat = NDArrays.concat(w);
      // (float) (1 - lr * wd) where decayed, exactly 1 elsewhere (mask * d + (1 - mask) is exact for a 0/1 mask)
      NDArray d = EngineArrays.scalar(step, (float) (1 - learningRate * weightDecay));
      NDArray one = EngineArrays.scalar(step, 1f);
      NDArray decay = d.mul(decayMask).addi(one.sub(decayMask));      // on the step's manager, not the mask's
      NDArray b1 = EngineArrays.scalar(step, (float) beta1);
      NDArray b2 = EngineArrays.scalar(step, (float) beta2);
      NDArray oneMinusB1 = EngineArrays.scalar(step, (float) (1 - beta1));
      NDArray oneMinusB2 = EngineArrays.scalar(step, (float) (1 - beta2));
      NDArray eps = EngineArrays.scalar(step, (float) epsilon);
      NDArray lr = EngineArrays.scalar(step, (float) learningRate);
      NDArray c1 = EngineArrays.scalar(step, (float) (1 - Math.pow(beta1, steps)));
      NDArray c2 = EngineArrays.scalar(step, (float) (1 - Math.pow(beta2, steps)));
      NDArray decayedW = wFlat.mul(decay);
      first.muli(b1).addi(oneMinusB1.mul(gFlat));
      second.muli(b2).addi(oneMinusB2.mul(gFlat).muli(gFlat));
      NDArray denominator = inStep(step, second).div(c2).sqrt().addi(eps);  // sqrt(v / c2) + eps
      NDArray updated = decayedW.subi(lr.mul(inStep(step, first).div(c1)).divi(denominator));
      NDList pieces = updated.split(cuts(), 0);
      int i = 0;
      for (NDArray p : parameters.values()) {
        p.set(new ai.djl.ndarray.index.NDIndex("..."), pieces.get(i++).reshape(p.getShape()));
      }
    }
  }

  /** The same parameters, in the same order, with the same shapes as the first step's (else moments mix). */
  private void checkLayout(Map<String, NDArray> parameters) {
    List<String> names = new ArrayList<>(parameters.keySet());
    if (!names.equals(new ArrayList<>(offsets.keySet()))) {
      throw new IllegalArgumentException("AdamW was laid out for " + offsets.keySet() + ", got " + names);
    }
    for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
      if (!e.getValue().getShape().equals(shapes.get(e.getKey()))) {
        throw new IllegalArgumentException("AdamW was laid out for '" + e.getKey() + "' of shape "
            + shapes.get(e.getKey()) + ", got " + e.getValue().getShape());
      }
    }
  }

  /** The number of arrays the optimiser holds on its own manager (for leak tests): constant across steps. */
  int heldArrays() {
    return manager == null ? 0 : manager.getManagedArrays().size();
  }

  private void layOut(Map<String, NDArray> parameters) {
    if (parameters.isEmpty()) {
      throw new IllegalArgumentException("no parameters to optimise");
    }
    int total = 0;
    for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
      offsets.put(e.getKey(), total);
      shapes.put(e.getKey(), e.getValue().getShape());
      total += Math.toIntExact(e.getValue().getShape().size());
    }
    float[] mask = new float[total];
    for (Map.Entry<String, Integer> e : offsets.entrySet()) {
      if (decayed.test(e.getKey())) {
        Arrays.fill(mask, e.getValue(), e.getValue() + Math.toIntExact(shapes.get(e.getKey()).size()), 1f);
      }
    }
    manager = EngineRuntime.engine().newBaseManager(device);
    manager.setName("adamw-moments");
    decayMask = EngineArrays.of(manager, mask);
    if (pending == null) {
      first = manager.zeros(new Shape(total));
      second = manager.zeros(new Shape(total));
    } else {
      first = EngineArrays.of(manager, join(pending, ".exp_avg"));
      second = EngineArrays.of(manager, join(pending, ".exp_avg_sq"));
      pending = null;
    }
  }

  private float[] join(Map<String, float[]> state, String suffix) {
    List<float[]> parts = new ArrayList<>();
    int size = 0;
    for (Map.Entry<String, Shape> e : shapes.entrySet()) {
      float[] values = state.get(e.getKey() + suffix);
      int expected = Math.toIntExact(e.getValue().size());
      if (values == null || values.length != expected) {
        throw new IllegalArgumentException("optimiser state " + e.getKey() + suffix + ": expected " + expected
            + " values, got " + (values == null ? "none" : values.length));
      }
      parts.add(values);
      size += expected;
    }
    float[] flat = new float[size];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, flat, at, p.length);
      at += p.length;
    }
    return flat;
  }

  private long[] cuts() {
    long[] cuts = new long[offsets.size() - 1];
    int i = 0;
    for (Integer offset : offsets.values()) {
      if (i > 0) {
        cuts[i - 1] = offset;
      }
      i++;
    }
    return cuts;
  }

  private static NDArray inStep(NDManager step, NDArray x) {
    return x.get(step, new ai.djl.ndarray.index.NDIndex("..."));
  }

  /**
   * Returns the state by parameter name: {@code <name>.exp_avg}, {@code <name>.exp_avg_sq} (PyTorch's
   * names) and {@code <name>.step}.
   */
  @Override
  public Map<String, float[]> state() {
    Map<String, float[]> out = new LinkedHashMap<>();
    if (manager == null) {
      if (pending != null) {
        out.putAll(pending);
      }
      return out;
    }
    float[] m = first.toFloatArray();
    float[] v = second.toFloatArray();
    for (Map.Entry<String, Integer> e : offsets.entrySet()) {
      int from = e.getValue();
      int to = from + Math.toIntExact(shapes.get(e.getKey()).size());
      out.put(e.getKey() + ".exp_avg", Arrays.copyOfRange(m, from, to));
    }
    for (Map.Entry<String, Integer> e : offsets.entrySet()) {
      int from = e.getValue();
      int to = from + Math.toIntExact(shapes.get(e.getKey()).size());
      out.put(e.getKey() + ".exp_avg_sq", Arrays.copyOfRange(v, from, to));
    }
    offsets.keySet().forEach(k -> out.put(k + ".step", new float[] {steps}));
    return out;
  }

  /**
   * Restores a state captured by {@link #state()}; the moments take their place at the next step (the
   * layout is the parameters'), the update count at once.
   *
   * @throws IllegalArgumentException for an entry that is not an AdamW state entry
   */
  @Override
  public void loadState(Map<String, float[]> state) {
    Map<String, float[]> copy = new LinkedHashMap<>();
    long restoredSteps = 0;
    for (Map.Entry<String, float[]> e : state.entrySet()) {
      String k = e.getKey();
      if (k.endsWith(".step")) {
        restoredSteps = Math.max(restoredSteps, (long) e.getValue()[0]);
      } else if (!k.endsWith(".exp_avg") && !k.endsWith(".exp_avg_sq")) {
        throw new IllegalArgumentException("unexpected AdamW state entry '" + k + "'");
      }
      copy.put(k, e.getValue().clone());
    }
    steps = restoredSteps;
    if (manager == null) {
      pending = copy;
    } else {
      EngineArrays.overwrite(first, join(copy, ".exp_avg"));
      EngineArrays.overwrite(second, join(copy, ".exp_avg_sq"));
    }
  }

  @Override
  public void close() {
    if (manager != null) {
      manager.close();
      manager = null;
    }
  }
}
