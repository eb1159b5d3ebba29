package org.ckcoop.world.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.ckcoop.common.engine.EngineArrays;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.core.optim.AdamW;
import org.junit.jupiter.api.Test;

/** The on-device AdamW against the project's Java AdamW (PyTorch's semantics), and its state round trip. */
class DeviceAdamWTest {
  private static final double LR = 1e-2;
  private static final double WD = 0.1;
  private static final Map<String, long[]> SHAPES = new LinkedHashMap<>();

  static {
    SHAPES.put("matrix", new long[] {4, 5});
    SHAPES.put("bias", new long[] {5});
    SHAPES.put("scale", new long[] {});
  }

  private static float[] random(SplittableRandom random, long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  /** Accumulates the gradient {@code c} into each parameter through a backward pass of sum(p * c). */
  private static void backward(NDManager manager, Map<String, NDArray> params, Map<String, float[]> coefficients) {
    try (NDManager step = manager.newSubManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray total = step.zeros(new Shape());
      for (Map.Entry<String, NDArray> p : params.entrySet()) {
        NDArray c = step.create(coefficients.get(p.getKey()), p.getValue().getShape());
        total = total.add(c.mul(p.getValue()).sum());
      }
      collector.backward(total);
    }
  }

  @Test
  void matchesTheJavaReferenceAndResumesExactlyFromItsState() {
    SplittableRandom random = new SplittableRandom(11);
    Map<String, float[]> initial = new LinkedHashMap<>();
    SHAPES.forEach((name, shape) -> initial.put(name, random(random, shape)));
    Map<String, float[]> reference = new LinkedHashMap<>();
    initial.forEach((k, v) -> reference.put(k, v.clone()));
    // core's AdamW (itself checked against a Java loop of PyTorch's formulas in ckcoop-core's OptimizerTest)
    try (AdamW decayed = new AdamW(0.9, 0.98, 1e-6, WD, ai.djl.Device.cpu());
        AdamW undecayed = new AdamW(0.9, 0.98, 1e-6, 0, ai.djl.Device.cpu());
        NDManager manager = EngineRuntime.engine().newBaseManager()) {
      Map<String, NDArray> params = new LinkedHashMap<>();
      initial.forEach((name, v) -> {
        NDArray p = manager.create(v.clone(), new Shape(SHAPES.get(name)));
        p.setRequiresGradient(true);
        params.put(name, p);
      });
      NDManager pm = params.get("matrix").getManager();
      int arraysBefore = pm.getManagedArrays().size();
      try (DeviceAdamW optimiser = new DeviceAdamW(params, Set.of("matrix"), 0.9, 0.98, 1e-6, WD)) {
        for (int step = 0; step < 4; step++) {
          Map<String, float[]> gradients = new LinkedHashMap<>();
          SHAPES.forEach((name, shape) -> gradients.put(name, random(random, shape)));
          backward(manager, params, gradients);
          optimiser.step(LR * (step + 1));
          for (String name : SHAPES.keySet()) {
            try (NDManager scratch = manager.newSubManager()) {
              Shape shape = new Shape(SHAPES.get(name));
              NDArray p = EngineArrays.of(scratch, reference.get(name), shape);
              (name.equals("matrix") ? decayed : undecayed).step(Map.of(name, p),
                  Map.of(name, EngineArrays.of(scratch, gradients.get(name), shape)), LR * (step + 1));
              reference.put(name, p.toFloatArray());
            }
          }
        }
        assertThat(pm.getManagedArrays().size()).as("no array left behind per step").isEqualTo(arraysBefore);
        for (String name : SHAPES.keySet()) {
          float[] got = params.get(name).toFloatArray();
          float[] want = reference.get(name);
          for (int i = 0; i < want.length; i++) {
            assertThat((double) got[i]).as(name + "[" + i + "]").isCloseTo(want[i], org.assertj.core.data.Offset.offset(2e-6));
          }
          try (NDArray gradient = params.get(name).getGradient()) {
            for (float v : gradient.toFloatArray()) {
              assertThat(v == 0f).as("gradient reset to zero").isTrue();
            }
          }
        }

        // A second optimiser restored from the first one's state continues bit-identically.
        Map<String, float[]> snapshot = new LinkedHashMap<>();
        params.forEach((k, v) -> snapshot.put(k, v.toFloatArray()));
        Map<String, float[]> first = optimiser.firstMoments();
        Map<String, float[]> second = optimiser.secondMoments();
        assertThat(first.keySet()).containsExactlyElementsOf(SHAPES.keySet());
        assertThat(first.get("matrix")).hasSize(20);
        Map<String, float[]> gradients = new LinkedHashMap<>();
        SHAPES.forEach((name, shape) -> gradients.put(name, random(random, shape)));
        backward(manager, params, gradients);
        optimiser.step(LR);

        Map<String, NDArray> copies = new LinkedHashMap<>();
        snapshot.forEach((name, v) -> {
          NDArray p = manager.create(v, new Shape(SHAPES.get(name)));
          p.setRequiresGradient(true);
          copies.put(name, p);
        });
        try (DeviceAdamW restored = new DeviceAdamW(copies, Set.of("matrix"), 0.9, 0.98, 1e-6, WD)) {
          restored.restore(first, second, optimiser.steps() - 1);
          backward(manager, copies, gradients);
          restored.step(LR);
          assertThat(restored.steps()).isEqualTo(optimiser.steps());
          for (String name : SHAPES.keySet()) {
            assertThat(copies.get(name).toFloatArray()).as(name).isEqualTo(params.get(name).toFloatArray());
          }
        }
      }
    }
  }
}
