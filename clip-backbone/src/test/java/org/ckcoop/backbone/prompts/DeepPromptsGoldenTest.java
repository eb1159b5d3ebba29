package org.ckcoop.backbone.prompts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineArrays;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.backbone.GoldenFixtures;
import org.ckcoop.backbone.safetensors.SafetensorsFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Deep prompts in both towers against {@code tools/reference/deep_prompts_reference.py} (float64
 * numpy, MaPLe's per-layer rule) on a random 3-layer CLIP: text prompts replace positions 1..3 at the
 * input of blocks 1 and 2, vision prompts are appended before {@code ln_pre} and replaced at blocks 1
 * and 2.
 */
class DeepPromptsGoldenTest {
  static ClipBackbone backbone;
  static SafetensorsFile golden;
  static final int EMBED = 48;

  @BeforeAll
  static void load() {
    backbone = ClipBackbone.load(GoldenFixtures.path("deep"));
    golden = GoldenFixtures.golden("deep/golden.safetensors");
  }

  @AfterAll
  static void close() {
    golden.close();
    backbone.close();
  }

  private static NDArray tensor(NDManager m, String name) {
    return EngineArrays.of(m, golden.readFloats(name), new Shape(golden.entry(name).shape()));
  }

  private static int[] eot() {
    long[] tokens = golden.readLongs("text_tokens");
    int length = (int) golden.entry("text_tokens").shape()[1];
    int[] eot = new int[tokens.length / length];
    for (int i = 0; i < eot.length; i++) {
      for (int j = 0; j < length; j++) {
        if (tokens[i * length + j] > tokens[i * length + eot[i]]) {
          eot[i] = j;
        }
      }
    }
    return eot;
  }

  private static NDArray embeddings(NDManager m) {
    return backbone.embedTokens(EngineArrays.of(m, golden.readLongs("text_tokens"), new Shape(golden.entry("text_tokens").shape())));
  }

  @Test
  void textPromptsReplaceTheContextPositionsAtTheInputOfTheDeeperBlocks() {
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      NDArray p1 = tensor(m, "text_prompts.1");
      NDArray p2 = tensor(m, "text_prompts.2");
      float[] one = backbone.encodeTokenEmbeddings(embeddings(m), eot(), new TextLayerPrompts(List.of(p1))).toFloatArray();
      float[] two = backbone.encodeTokenEmbeddings(embeddings(m), eot(), new TextLayerPrompts(List.of(p1, p2))).toFloatArray();
      assertThat(GoldenFixtures.errorRelativeToNorm(one, golden.readFloats("text_features.layer1"), EMBED)).isLessThan(1e-5);
      assertThat(GoldenFixtures.errorRelativeToNorm(two, golden.readFloats("text_features.layers12"), EMBED)).isLessThan(1e-5);
      // and they do change the features (by ~1 here), so the comparison above can fail
      assertThat(GoldenFixtures.errorRelativeToNorm(two, golden.readFloats("text_features.plain"), EMBED)).isGreaterThan(0.1);
    }
  }

  @Test
  void noPromptsIsBitIdenticalToTheFrozenPath() {
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      float[] plain = backbone.encodeTokenEmbeddings(embeddings(m), eot()).toFloatArray();
      assertThat(GoldenFixtures.errorRelativeToNorm(plain, golden.readFloats("text_features.plain"), EMBED)).isLessThan(1e-5);
      assertThat(backbone.encodeTokenEmbeddings(embeddings(m), eot(), TextLayerPrompts.none()).toFloatArray())
          .containsExactly(plain);
      assertThat(backbone.encodeTokenEmbeddings(embeddings(m), eot(), null).toFloatArray()).containsExactly(plain);
      NDArray pixels = tensor(m, "pixel_values");
      float[] image = backbone.encodeImages(pixels).toFloatArray();
      assertThat(backbone.encodeImages(pixels, null).toFloatArray()).containsExactly(image);
      assertThat(GoldenFixtures.errorRelativeToNorm(image, golden.readFloats("image_features.plain"), EMBED)).isLessThan(1e-5);
    }
  }

  @Test
  void visionPromptsAreAppendedBeforeLnPreAndReplacedAtTheDeeperBlocks() {
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      NDArray pixels = tensor(m, "pixel_values");
      NDArray first = tensor(m, "vision_prompts.0");
      float[] shallow = backbone.encodeImages(pixels, new VisionLayerPrompts(first, List.of())).toFloatArray();
      float[] deep = backbone.encodeImages(pixels, new VisionLayerPrompts(first,
          List.of(tensor(m, "vision_prompts.1"), tensor(m, "vision_prompts.2")))).toFloatArray();
      assertThat(GoldenFixtures.errorRelativeToNorm(shallow, golden.readFloats("image_features.shallow"), EMBED)).isLessThan(1e-5);
      assertThat(GoldenFixtures.errorRelativeToNorm(deep, golden.readFloats("image_features.layers12"), EMBED)).isLessThan(1e-5);
      assertThat(GoldenFixtures.errorRelativeToNorm(deep, golden.readFloats("image_features.shallow"), EMBED)).isGreaterThan(0.01);
    }
  }

  @Test
  void gradientsReachEveryPromptAndEachSequenceEncodesAsItWouldAlone() {
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      NDArray p1 = tensor(m, "text_prompts.1");
      NDArray p2 = tensor(m, "text_prompts.2");
      NDArray v0 = tensor(m, "vision_prompts.0");
      NDArray v1 = tensor(m, "vision_prompts.1");
      for (NDArray p : List.of(p1, p2, v0, v1)) {
        p.setRequiresGradient(true);
      }
      try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
        NDArray text = backbone.encodeTokenEmbeddings(embeddings(m), eot(), new TextLayerPrompts(List.of(p1, p2)));
        NDArray image = backbone.encodeImages(tensor(m, "pixel_values"), new VisionLayerPrompts(v0, List.of(v1)));
        c.backward(text.sum().add(image.sum()));
      }
      for (NDArray p : List.of(p1, p2, v0, v1)) {
        try (NDArray g = p.getGradient()) {
          assertThat(g.abs().sum().getFloat()).isPositive();
        }
      }
      // the EOT cut: the shortest caption alone equals its row in the batch
      int[] eot = eot();
      float[] batch = backbone.encodeTokenEmbeddings(embeddings(m), eot, new TextLayerPrompts(List.of(p1, p2))).toFloatArray();
      int shortest = 0;
      for (int i = 1; i < eot.length; i++) {
        shortest = eot[i] < eot[shortest] ? i : shortest;
      }
      NDArray alone = embeddings(m).get(shortest + ":" + (shortest + 1) + ", :" + (eot[shortest] + 1) + ", :");
      float[] single = backbone.encodeTokenEmbeddings(alone, new int[] {eot[shortest]}, new TextLayerPrompts(List.of(p1, p2)))
          .toFloatArray();
      float[] row = java.util.Arrays.copyOfRange(batch, shortest * EMBED, (shortest + 1) * EMBED);
      assertThat(GoldenFixtures.errorRelativeToNorm(single, row, EMBED)).isLessThan(1e-6);
    }
  }

  @Test
  void shapesThatDoNotFitAreNamed() {
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      NDArray p = tensor(m, "text_prompts.1");
      assertThatThrownBy(() -> backbone.encodeTokenEmbeddings(embeddings(m), eot(), new TextLayerPrompts(List.of(p, p, p))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("3 deeper text prompt layers, but the text tower has only 2 blocks after the first");
      NDArray wide = m.zeros(new Shape(3, 65));
      assertThatThrownBy(() -> backbone.encodeTokenEmbeddings(embeddings(m), eot(), new TextLayerPrompts(List.of(wide))))
          .hasMessage("text prompts have shape (3, 65), expected (n, 64) (the text width)");
      NDArray v = m.zeros(new Shape(2, 64));
      assertThatThrownBy(() -> new VisionLayerPrompts(v, List.of(m.zeros(new Shape(3, 64)))))
          .hasMessage("vision prompt of layer 1 has shape (3, 64), expected (2, 64) as the input's");
      NDArray tooMany = m.zeros(new Shape(16, 64));
      assertThatThrownBy(() -> backbone.encodeTokenEmbeddings(embeddings(m), eot(), new TextLayerPrompts(List.of(tooMany))))
          .hasMessageContaining("inside the deep prompts' positions 1..16");
    }
  }
}
