package org.ckcoop.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.ckcoop.common.engine.EngineArrays;
import org.ckcoop.common.engine.EngineRuntime;
import org.junit.jupiter.api.Test;

/**
 * The one AdamW's flat layout and weight-decay selection (the pretraining's use): several parameters
 * in one optimiser, some decayed, give bit for bit what one optimiser per parameter gives; its state
 * restores into a fresh optimiser that continues bit-identically; no array is left behind per step.
 */
class AdamWLayoutTest {
  private static final double WD = 0.1;
  private static final Map<String, long[]> SHAPES = new LinkedHashMap<>();

  static {
    SHAPES.put("matrix", new long[] {4, 5});
    SHAPES.put("bias", new long[] {5});
    SHAPES.put("scale", new long[] {});
  }

  private static float[] random(SplittableRandom random, long[] shape) {
    float[] v = new float[(int) new Shape(shape).size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  private static Map<String, NDArray> arrays(NDManager m, Map<String, float[]> values) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    values.forEach((name, v) -> out.put(name, EngineArrays.of(m, v, new Shape(SHAPES.get(name)))));
    return out;
  }

  @Test
  void oneFlatOptimiserWithADecayMaskEqualsOnePerParameterAndResumesExactly() {
    SplittableRandom random = new SplittableRandom(11);
    Map<String, float[]> initial = new LinkedHashMap<>();
    SHAPES.forEach((name, shape) -> initial.put(name, random(random, shape)));
    try (NDManager m = EngineRuntime.engine().newBaseManager();
        AdamW flat = new AdamW(0.9, 0.98, 1e-6, WD, Device.cpu(), "matrix"::equals)) {
      Map<String, NDArray> params = arrays(m, initial);
      Map<String, NDArray> single = arrays(m, initial);
      Map<String, AdamW> perParameter = new LinkedHashMap<>();
      SHAPES.keySet().forEach(n -> perParameter.put(n, new AdamW(0.9, 0.98, 1e-6, n.equals("matrix") ? WD : 0,
          Device.cpu())));
      int before = m.getManagedArrays().size();
      Map<String, float[]> lastGradients = null;
      int held = -1;
      for (int step = 0; step < 5; step++) {
        Map<String, float[]> g = new LinkedHashMap<>();
        SHAPES.forEach((name, shape) -> g.put(name, random(random, shape)));
        lastGradients = g;
        try (NDManager scratch = m.newSubManager()) {
          double lr = 1e-2 * (step + 1);
          flat.step(params, arrays(scratch, g), lr);
          Map<String, NDArray> gs = arrays(scratch, g);
          perParameter.forEach((n, o) -> o.step(Map.of(n, single.get(n)), Map.of(n, gs.get(n)), lr));
        }
        if (step == 0) {
          held = flat.heldArrays();
        }
        assertThat(flat.heldArrays()).as("arrays on AdamW's own manager after step %d", step + 1).isEqualTo(held);
      }
      assertThat(held).as("moments and the decay mask").isEqualTo(3);
      assertThat(m.getManagedArrays().size()).as("no array left behind per step").isEqualTo(before);
      for (String n : SHAPES.keySet()) {
        assertThat(params.get(n).toFloatArray()).as(n).isEqualTo(single.get(n).toFloatArray());
        assertThat(params.get(n).getShape()).isEqualTo(new Shape(SHAPES.get(n)));
      }
      assertThat(initial.get("bias")).isNotEqualTo(params.get("bias").toFloatArray());
      perParameter.values().forEach(AdamW::close);

      // state: PyTorch's names, per parameter; a fresh optimiser restored from it continues bit-identically
      Map<String, float[]> state = flat.state();
      assertThat(state.keySet()).contains("matrix.exp_avg", "bias.exp_avg_sq", "scale.step");
      assertThat(state.get("matrix.exp_avg")).hasSize(20);
      assertThat(state.get("scale.step")).containsExactly(5f);
      Map<String, float[]> snapshot = new LinkedHashMap<>();
      params.forEach((k, v) -> snapshot.put(k, v.toFloatArray()));
      Map<String, float[]> g = lastGradients;
      try (NDManager scratch = m.newSubManager()) {
        flat.step(params, arrays(scratch, g), 1e-2);
      }
      try (AdamW restored = new AdamW(0.9, 0.98, 1e-6, WD, Device.cpu(), "matrix"::equals);
          NDManager scratch = m.newSubManager()) {
        restored.loadState(state);
        assertThat(restored.steps()).isEqualTo(5);
        Map<String, NDArray> copies = arrays(scratch, snapshot);
        restored.step(copies, arrays(scratch, g), 1e-2);
        for (String n : SHAPES.keySet()) {
          assertThat(copies.get(n).toFloatArray()).as(n).isEqualTo(params.get(n).toFloatArray());
        }
        assertThatThrownBy(() -> restored.step(Map.of("bias", copies.get("bias")), Map.of("bias", copies.get("bias")), 1))
            .hasMessageContaining("laid out for [matrix, bias, scale]");
        Map<String, NDArray> reordered = new LinkedHashMap<>();
        reordered.put("bias", copies.get("bias"));
        reordered.put("matrix", copies.get("matrix"));
        reordered.put("scale", copies.get("scale"));
        assertThatThrownBy(() -> restored.step(reordered, reordered, 1)).as("same names in another order")
            .hasMessageContaining("laid out for [matrix, bias, scale], got [bias, matrix, scale]");
      }
    }
  }
}
