package org.ckcoop.backbone.prompts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Random;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.backbone.GoldenFixtures;
import org.ckcoop.common.engine.EngineArrays;
import org.ckcoop.common.engine.EngineRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared-prefix text pass against the same sequences assembled and encoded whole, on the random
 * 3-layer CLIP of {@link DeepPromptsGoldenTest} (width 64): features, the gradients of every input
 * (prefix, rest, deep prompts), groups, EOTs at the first unshared position, and the errors.
 */
class SharedPrefixEncodingTest {
  static final int WIDTH = 64;
  static final int EMBED = 48;
  static final int GROUPS = 2;
  static final int PER_GROUP = 3;
  static final int PREFIX = 4;
  static final int REST = 5;
  static final int[] EOT = {6, 8, 4, 5, 8, 7};
  static ClipBackbone backbone;

  @BeforeAll
  static void load() {
    backbone = ClipBackbone.load(GoldenFixtures.path("deep"));
  }

  @AfterAll
  static void close() {
    backbone.close();
  }

  private static NDArray random(NDManager m, long seed, long... shape) {
    Random random = new Random(seed);
    Shape s = new Shape(shape);
    float[] values = new float[Math.toIntExact(s.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian() * 0.5f;
    }
    return EngineArrays.of(m, values, s);
  }

  /** [prefix of the row's group | rest] for every row, from the same leaves. */
  private static NDArray assembled(NDArray prefix, NDArray rest) {
    return NDArrays.concat(new NDList(prefix.repeat(0, PER_GROUP), rest), 1);
  }

  private record Pass(float[] features, float[] prefixGrad, float[] restGrad, float[] promptGrad) {}

  private static Pass run(boolean shared, boolean deep) {
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      NDArray prefix = random(m, 1, GROUPS, PREFIX, WIDTH);
      NDArray rest = random(m, 2, GROUPS * PER_GROUP, REST, WIDTH);
      NDArray prompt = random(m, 3, 3, WIDTH);
      NDArray readout = random(m, 4, GROUPS * PER_GROUP, EMBED);
      for (NDArray leaf : List.of(prefix, rest, prompt)) {
        leaf.setRequiresGradient(true);
      }
      TextLayerPrompts layers = deep ? new TextLayerPrompts(List.of(prompt, prompt.mul(readout.get("0, :3").sum()))) : null;
      float[] features;
      try (GradientCollector c = EngineRuntime.engine().newGradientCollector()) {
        NDArray out = shared
            ? backbone.encodeTokenEmbeddings(new SharedPrefixEmbeddings(prefix, rest, EOT), layers)
            : backbone.encodeTokenEmbeddings(assembled(prefix, rest), EOT, layers);
        features = out.toFloatArray();
        c.backward(out.mul(readout).sum());
      }
      return new Pass(features, prefix.getGradient().toFloatArray(), rest.getGradient().toFloatArray(),
          deep ? prompt.getGradient().toFloatArray() : new float[0]);
    }
  }

  /** ||a - b|| / ||b|| over the whole array (a gradient has rows of zeros: positions after an EOT). */
  private static double relativeError(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < a.length; i++) {
      diff += (a[i] - b[i]) * (double) (a[i] - b[i]);
      norm += b[i] * (double) b[i];
    }
    assertThat(norm).isPositive();
    return Math.sqrt(diff / norm);
  }

  @Test
  void featuresAndGradientsEqualThoseOfTheAssembledSequences() {
    for (boolean deep : new boolean[] {false, true}) {
      Pass whole = run(false, deep);
      Pass shared = run(true, deep);
      assertThat(GoldenFixtures.errorRelativeToNorm(shared.features(), whole.features(), EMBED)).isLessThan(1e-5);
      assertThat(relativeError(shared.prefixGrad(), whole.prefixGrad())).isLessThan(1e-5);
      assertThat(relativeError(shared.restGrad(), whole.restGrad())).isLessThan(1e-5);
      if (deep) {
        assertThat(relativeError(shared.promptGrad(), whole.promptGrad())).isLessThan(1e-5);
      }
      // the comparison can fail: the deep prompts, and each group's prefix, do change the features
      assertThat(GoldenFixtures.errorRelativeToNorm(shared.features(), run(true, !deep).features(), EMBED))
          .isGreaterThan(0.01);
      float[] firstGroupRow = java.util.Arrays.copyOfRange(shared.features(), 0, EMBED);
      float[] secondGroupRow = java.util.Arrays.copyOfRange(shared.features(), PER_GROUP * EMBED, (PER_GROUP + 1) * EMBED);
      assertThat(GoldenFixtures.errorRelativeToNorm(firstGroupRow, secondGroupRow, EMBED)).isGreaterThan(0.01);
    }
  }

  @Test
  void shapesThatDoNotFitAreNamed() {
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      NDArray prefix = random(m, 1, GROUPS, PREFIX, WIDTH);
      NDArray rest = random(m, 2, GROUPS * PER_GROUP, REST, WIDTH);
      assertThatThrownBy(() -> new SharedPrefixEmbeddings(prefix, random(m, 2, 5, REST, WIDTH), new int[5]))
          .hasMessage("shared prefix (2, 4, 64) and rest (5, 5, 64) do not fit: expected (G, P, width) and (G * R, S, width)");
      assertThatThrownBy(() -> new SharedPrefixEmbeddings(prefix, rest, new int[] {6, 8, 3, 5, 8, 7}))
          .hasMessage("EOT position 3 of sequence 2 is outside the unshared positions [4, 9)");
      TextLayerPrompts tooLong = new TextLayerPrompts(List.of(random(m, 3, 4, WIDTH)));
      assertThatThrownBy(() -> backbone.encodeTokenEmbeddings(new SharedPrefixEmbeddings(prefix, rest, EOT), tooLong))
          .hasMessage("deep text prompts replace positions 1..4, past the shared prefix of 4 positions");
      NDArray narrow = random(m, 1, GROUPS, PREFIX, 32);
      assertThatThrownBy(() -> backbone.encodeTokenEmbeddings(
              new SharedPrefixEmbeddings(narrow, random(m, 2, 6, REST, 32), EOT), null))
          .hasMessageContaining("have width 32 and length 9, expected width 64");
    }
  }
}
