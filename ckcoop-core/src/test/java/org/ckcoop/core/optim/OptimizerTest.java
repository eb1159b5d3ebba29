package org.ckcoop.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OptimizerTest {

  @Test
  void sgdFollowsPyTorchsMomentumAndWeightDecay() {
    Sgd sgd = new Sgd(0.9, 0.1);
    float[] p = {1f, -2f};
    float[] g = {0.5f, 0.25f};
    sgd.step("w", p, g, 0.5);
    assertThat(p[0]).isCloseTo(0.7f, offset(1e-6f));
    assertThat(p[1]).isCloseTo(-2.025f, offset(1e-6f));
    sgd.step("w", p, g, 0.5);
    assertThat(p[0]).isCloseTo(0.145f, offset(1e-6f));
    assertThat(p[1]).isCloseTo(-2.07125f, offset(1e-6f));
    assertThat(sgd.state()).containsOnlyKeys("w.momentum");
    assertThat(sgd.state().get("w.momentum")[0]).isCloseTo(1.11f, offset(1e-6f));
  }

  @Test
  void adamWDecouplesWeightDecayAndCorrectsBias() {
    AdamW adam = new AdamW(0.9, 0.999, 1e-8, 0.01);
    float[] p = {1f};
    adam.step("w", p, new float[] {0.5f}, 0.1);
    assertThat(p[0]).isCloseTo(0.899f, offset(1e-6f));
    adam.step("w", p, new float[] {0.5f}, 0.1);
    assertThat(p[0]).isCloseTo(0.798101f, offset(1e-6f));
  }

  @Test
  void stateRoundTripsSoThatAResumedOptimiserContinuesExactly() {
    for (Optimizer make : new Optimizer[] {new Sgd(0.9, 5e-4), new AdamW(0.9, 0.999, 1e-8, 0.01)}) {
      Optimizer fresh = make instanceof Sgd ? new Sgd(0.9, 5e-4) : new AdamW(0.9, 0.999, 1e-8, 0.01);
      float[] a = {0.3f, -0.7f, 1.1f};
      float[] g = {0.01f, -0.2f, 0.3f};
      make.step("ctx", a, g, 0.002);
      make.step("ctx", a, g, 0.002);
      Map<String, float[]> saved = make.state();
      float[] b = a.clone();
      make.step("ctx", a, g, 0.002);
      fresh.loadState(saved);
      fresh.step("ctx", b, g, 0.002);
      assertThat(b).containsExactly(a);
    }
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
