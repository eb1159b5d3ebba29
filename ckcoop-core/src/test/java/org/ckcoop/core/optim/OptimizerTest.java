package org.ckcoop.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.SplittableRandom;
import org.ckcoop.common.engine.EngineArrays;
import org.ckcoop.common.engine.EngineRuntime;
import org.junit.jupiter.api.Test;

/** The device optimisers: PyTorch's semantics, equal to the Java references, exact state round trips. */
class OptimizerTest {

  /** Runs one device step on copies of {@code p} with gradients {@code g}; returns the new values. */
  private static float[] step(Optimizer o, NDManager m, NDArray parameter, float[] g, double lr) {
    try (NDManager scratch = m.newSubManager()) {
      o.step(Map.of("w", parameter), Map.of("w", EngineArrays.of(scratch, g, parameter.getShape())), lr);
    }
    return parameter.toFloatArray();
  }

  @Test
  void sgdFollowsPyTorchsMomentumAndWeightDecay() {
    try (NDManager m = EngineRuntime.engine().newBaseManager(); Sgd sgd = new Sgd(0.9, 0.1, Device.cpu())) {
      NDArray p = EngineArrays.of(m, new float[] {1f, -2f});
      float[] g = {0.5f, 0.25f};
      float[] after = step(sgd, m, p, g, 0.5);
      assertThat(after[0]).isCloseTo(0.7f, offset(1e-6f));
      assertThat(after[1]).isCloseTo(-2.025f, offset(1e-6f));
      after = step(sgd, m, p, g, 0.5);
      assertThat(after[0]).isCloseTo(0.145f, offset(1e-6f));
      assertThat(after[1]).isCloseTo(-2.07125f, offset(1e-6f));
      assertThat(sgd.state()).containsOnlyKeys("w.momentum");
      assertThat(sgd.state().get("w.momentum")[0]).isCloseTo(1.11f, offset(1e-6f));
    }
  }

  @Test
  void adamWDecouplesWeightDecayAndCorrectsBias() {
    try (NDManager m = EngineRuntime.engine().newBaseManager(); AdamW adam = new AdamW(0.9, 0.999, 1e-8, 0.01, Device.cpu())) {
      NDArray p = EngineArrays.of(m, new float[] {1f});
      assertThat(step(adam, m, p, new float[] {0.5f}, 0.1)[0]).isCloseTo(0.899f, offset(1e-6f));
      assertThat(step(adam, m, p, new float[] {0.5f}, 0.1)[0]).isCloseTo(0.798101f, offset(1e-6f));
      assertThat(adam.state()).containsOnlyKeys("w.exp_avg", "w.exp_avg_sq", "w.step");
      assertThat(adam.state().get("w.step")).containsExactly(2f);
    }
  }

  @Test
  void theDeviceOptimisersEqualTheJavaReferencesOverManySteps() {
    SplittableRandom random = new SplittableRandom(5);
    int n = 2048;
    float[] initial = new float[n];
    for (int i = 0; i < n; i++) {
      initial[i] = (float) (random.nextGaussian() * 0.02);
    }
    float[][] grads = new float[60][n];
    for (float[] g : grads) {
      for (int i = 0; i < n; i++) {
        g[i] = (float) (random.nextGaussian() * 0.1);
      }
    }
    try (NDManager m = EngineRuntime.engine().newBaseManager();
        Sgd sgd = new Sgd(0.9, 5e-4, Device.cpu());
        AdamW adam = new AdamW(0.9, 0.999, 1e-8, 0.01, Device.cpu())) {
      ReferenceSgd javaSgd = new ReferenceSgd(0.9, 5e-4);
      ReferenceAdamW javaAdam = new ReferenceAdamW(0.9, 0.999, 1e-8, 0.01);
      NDArray pSgd = EngineArrays.of(m, initial, new Shape(4, 512));
      NDArray pAdam = EngineArrays.of(m, initial, new Shape(4, 512));
      float[] rSgd = initial.clone();
      float[] rAdam = initial.clone();
      for (int s = 0; s < grads.length; s++) {
        double lr = 0.002 * (1 + Math.cos(Math.PI * s / grads.length)) / 2 + 1e-5;
        step(sgd, m, pSgd, grads[s], lr);
        javaSgd.step("w", rSgd, grads[s], lr);
        step(adam, m, pAdam, grads[s], lr);
        javaAdam.step("w", rAdam, grads[s], lr);
      }
      // SGD: the same float operations in the same order, so the same bits
      assertThat(pSgd.toFloatArray()).containsExactly(rSgd);
      // AdamW: the reference updates its moments in double, the device in float32
      float[] device = pAdam.toFloatArray();
      for (int i = 0; i < n; i++) {
        assertThat(device[i]).isCloseTo(rAdam[i], offset(1e-6f));
      }
      assertThat(maxDifference(adam.state().get("w.exp_avg_sq"), javaAdam.state().get("w.exp_avg_sq")))
          .isLessThan(1e-8);
      assertThat(sgd.state().get("w.momentum")).containsExactly(javaSgd.state().get("w.momentum"));
    }
  }

  @Test
  void stateRoundTripsSoThatAResumedOptimiserContinuesExactly() {
    float[] g = {0.01f, -0.2f, 0.3f};
    for (String kind : new String[] {"sgd", "adamw"}) {
      try (NDManager m = EngineRuntime.engine().newBaseManager(); Optimizer a = make(kind); Optimizer b = make(kind)) {
        NDArray pa = EngineArrays.of(m, new float[] {0.3f, -0.7f, 1.1f}, new Shape(1, 3));
        step(a, m, pa, g, 0.002);
        step(a, m, pa, g, 0.002);
        Map<String, float[]> saved = a.state();
        NDArray pb = pa.duplicate();
        float[] continued = step(a, m, pa, g, 0.002);
        b.loadState(saved);
        assertThat(step(b, m, pb, g, 0.002)).as(kind).containsExactly(continued);
        assertThat(b.state().keySet()).containsExactlyElementsOf(a.state().keySet());
      }
    }
  }

  @Test
  void stepsAttachNothingToTheParametersManager() {
    try (NDManager m = EngineRuntime.engine().newBaseManager(); Optimizer adam = make("adamw"); Optimizer sgd = make("sgd")) {
      NDArray p = EngineArrays.of(m, new float[] {1, 2, 3, 4}, new Shape(2, 2));
      NDArray q = EngineArrays.of(m, new float[] {1, 2, 3, 4}, new Shape(2, 2));
      int before = m.getManagedArrays().size();
      for (int s = 0; s < 20; s++) {
        step(adam, m, p, new float[] {0.1f, 0.2f, 0.3f, 0.4f}, 0.01);
        step(sgd, m, q, new float[] {0.1f, 0.2f, 0.3f, 0.4f}, 0.01);
      }
      assertThat(m.getManagedArrays()).hasSize(before);
    }
  }

  private static Optimizer make(String kind) {
    return kind.equals("sgd") ? new Sgd(0.9, 5e-4, Device.cpu()) : new AdamW(0.9, 0.999, 1e-8, 0.01, Device.cpu());
  }

  private static double maxDifference(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  @Test
  void coopScheduleTraceIsDasslsPerEpochCosineWithRecountedWarmup() {
    LearningRateSchedule coop = new LearningRateSchedule(LearningRateSchedule.Kind.COSINE, 0.002, 200, 1,
        LearningRateSchedule.Warmup.CONSTANT, 1e-5);
    assertThat(coop.at(0)).isEqualTo(1e-5);
    assertThat(coop.at(1)).isEqualTo(0.002);
    assertThat(coop.at(2)).isCloseTo(0.002 * (1 + Math.cos(Math.PI / 200)) / 2, offset(1e-15));
    assertThat(coop.at(101)).isCloseTo(0.001, offset(1e-15));
    assertThat(coop.at(199)).isCloseTo(0.002 * (1 + Math.cos(Math.PI * 198 / 200)) / 2, offset(1e-15));
    assertThat(coop.at(199)).isGreaterThan(0);
    LearningRateSchedule linear = new LearningRateSchedule(LearningRateSchedule.Kind.CONSTANT, 0.3, 10, 3,
        LearningRateSchedule.Warmup.LINEAR, 1e-4);
    assertThat(new double[] {linear.at(0), linear.at(1), linear.at(2), linear.at(3), linear.at(9)})
        .containsExactly(new double[] {1e-4, 0.1, 0.2, 0.3, 0.3}, offset(1e-12));
  }
}
