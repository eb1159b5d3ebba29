package org.ckcoop.backbone;

import org.ckcoop.common.engine.EngineRuntime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.ckcoop.backbone.checkpoint.CheckpointLayout;
import org.ckcoop.backbone.checkpoint.ClipCheckpoint;
import org.ckcoop.backbone.safetensors.SafetensorsFile;
import org.ckcoop.backbone.safetensors.StorageType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backbone facade on the golden tiny-a model: reference features, invariances, gradients, memory. */
class ClipBackboneTest {
  static ClipBackbone backbone;
  static SafetensorsFile golden;
  @TempDir Path dir;

  @BeforeAll
  static void load() {
    backbone = ClipBackbone.load(GoldenFixtures.path("tiny-a/hf"));
    golden = GoldenFixtures.golden("tiny-a/golden.safetensors");
  }

  @AfterAll
  static void close() {
    backbone.close();
    golden.close();
  }

  private float[] imageFeatures(ClipBackbone model) {
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      NDArray pixels = m.create(golden.readFloats("pixel_values"), new Shape(golden.entry("pixel_values").shape()));
      return model.encodeImages(pixels).toFloatArray();
    }
  }

  private float[] textFeatures(ClipBackbone model) {
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      NDArray tokens = m.create(golden.readLongs("text_tokens"), new Shape(golden.entry("text_tokens").shape()));
      return model.encodeTokens(tokens).toFloatArray();
    }
  }

  @Test
  void featuresMatchTheReferenceImplementation() {
    assertThat(GoldenFixtures.errorRelativeToNorm(imageFeatures(backbone), golden.readFloats("image_features"), 96))
        .isLessThan(1e-4);
    assertThat(GoldenFixtures.errorRelativeToNorm(textFeatures(backbone), golden.readFloats("text_features"), 96))
        .isLessThan(1e-4);
    assertThat(backbone.logitScale()).isEqualTo(2.65625f);
  }

  @Test
  void bothLayoutsAndAllDtypesGiveIdenticalFeaturesAndIdentity() {
    ClipCheckpoint checkpoint = CheckpointLayout.read(GoldenFixtures.path("tiny-a/openai"));
    float[] image = imageFeatures(backbone);
    float[] text = textFeatures(backbone);
    for (String layout : new String[] {"huggingface", "openai"}) {
      for (StorageType type : new StorageType[] {StorageType.F32, StorageType.F16, StorageType.BF16}) {
        Path folder = dir.resolve(layout + type);
        CheckpointLayout.named(layout).write(checkpoint, folder, type, backbone.tokenizer().vocabulary());
        try (ClipBackbone other = ClipBackbone.load(folder)) {
          assertThat(other.identity()).as(layout + " " + type).isEqualTo(backbone.identity());
          assertThat(imageFeatures(other)).as(layout + " " + type).containsExactly(image);
          assertThat(textFeatures(other)).as(layout + " " + type).containsExactly(text);
        }
      }
    }
  }

  @Test
  void aSequenceEncodesTheSameAloneOrBesideLongerOnes() {
    // Row 1 of the golden tokens is short (EOT at 4); encoded alone it is cut after position 4,
    // in the batch only after the longest row's EOT: the cut must not change it.
    float[] batch = textFeatures(backbone);
    long[] tokens = golden.readLongs("text_tokens");
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      NDArray row = m.create(Arrays.copyOfRange(tokens, 16, 32), new Shape(1, 16));
      float[] alone = backbone.encodeTokens(row).toFloatArray();
      assertThat(GoldenFixtures.relativeMaxError(alone, Arrays.copyOfRange(batch, 96, 192))).isLessThan(1e-6);
    }
  }

  @Test
  void tokensAfterTheEndOfTextDoNotMatter() {
    long[] tokens = golden.readLongs("text_tokens");
    long[] scrambled = tokens.clone();
    for (int i = 0; i < 4; i++) {
      boolean afterEot = false;
      for (int j = 0; j < 16; j++) {
        if (afterEot) {
          scrambled[i * 16 + j] = 3 + (i * 7 + j * 13) % 500;
        }
        afterEot |= tokens[i * 16 + j] == 599;
      }
    }
    assertThat(scrambled).isNotEqualTo(tokens);
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      float[] original = backbone.encodeTokens(m.create(tokens, new Shape(4, 16))).toFloatArray();
      float[] changed = backbone.encodeTokens(m.create(scrambled, new Shape(4, 16))).toFloatArray();
      assertThat(GoldenFixtures.relativeMaxError(changed, original)).isLessThan(1e-6);
    }
  }

  @Test
  void theCheckpointsTokenizerReproducesTheReferenceTokens() throws Exception {
    List<String> captions = List.of(new com.fasterxml.jackson.databind.ObjectMapper()
        .readValue(golden.metadata().get("captions"), String[].class));
    assertThat(captions).hasSize(4);
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      assertThat(backbone.tokenize(m, captions).toLongArray()).containsExactly(golden.readLongs("text_tokens"));
    }
  }

  @Test
  void gradientsReachTheEmbeddingsUpToEachEotAndNeverTheWeights() {
    long[] tokens = golden.readLongs("text_tokens");
    int[] eot = {8, 4, 14, 15};
    float[] tableBefore;
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      tableBefore = backbone.tokenEmbeddingTable(m).toFloatArray();
    }
    try (NDManager m = EngineRuntime.engine().newBaseManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray embeddings = backbone.embedTokens(m.create(tokens, new Shape(4, 16)));
      embeddings.setRequiresGradient(true);
      NDArray features = backbone.encodeTokenEmbeddings(embeddings, eot);
      collector.backward(features.sum());
      float[] grad = embeddings.getGradient().toFloatArray();
      for (int i = 0; i < 4; i++) {
        double before = 0;
        double after = 0;
        for (int j = 0; j < 16; j++) {
          for (int k = 0; k < 128; k++) {
            double g = Math.abs(grad[(i * 16 + j) * 128 + k]);
            if (j <= eot[i]) {
              before += g;
            } else {
              after += g;
            }
          }
        }
        assertThat(before).as("row %d up to EOT", i).isGreaterThan(0);
        assertThat(after).as("row %d after EOT", i).isZero();
      }
    }
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      assertThat(backbone.tokenEmbeddingTable(m).toFloatArray()).containsExactly(tableBefore);
    }
  }

  @Test
  void nothingAttachesToTheBackboneOverManySteps() {
    // The backbone's manager is capped: any result attached to it would throw. Over many steps with
    // one manager per step, the step managers end empty and the live-array count stays flat.
    try (NDManager root = EngineRuntime.engine().newBaseManager()) {
      int baseline = root.getManagedArrays().size();
      for (int step = 0; step < 60; step++) {
        try (NDManager m = root.newSubManager();
            GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          NDArray embeddings = backbone.embedTokens(m.create(golden.readLongs("text_tokens"), new Shape(4, 16)));
          embeddings.setRequiresGradient(true);
          collector.backward(backbone.encodeTokenEmbeddings(embeddings, new int[] {8, 4, 14, 15}).sum());
          imageFeatures(backbone);
        }
        assertThat(root.getManagedArrays()).hasSize(baseline);
      }
    }
  }

  @Test
  void wrongInputsGetMessagesThatSayWhatWasExpected() {
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      assertThatThrownBy(() -> backbone.encodeImages(m.zeros(new Shape(2, 3, 224, 224))))
          .hasMessage("pixels have shape (2, 3, 224, 224), expected (N, 3, 32, 32)");
      assertThatThrownBy(() -> backbone.encodeTokens(m.create(new long[] {598, 5, 700, 599}, new Shape(1, 4))))
          .hasMessage("token id 700 at row 0, position 2 is outside the vocabulary [0, 600)");
      assertThatThrownBy(() -> backbone.encodeTokens(m.create(new long[] {598, 5, 6, 0}, new Shape(1, 4))))
          .hasMessage("row 0 has no end-of-text token (id 599)");
      assertThatThrownBy(() -> backbone.encodeTokens(m.zeros(new Shape(1, 17), ai.djl.ndarray.types.DataType.INT64)))
          .hasMessageContaining("expected (N, L) with L <= 16");
      NDArray embeddings = m.zeros(new Shape(2, 5, 128));
      assertThatThrownBy(() -> backbone.encodeTokenEmbeddings(embeddings, new int[] {4}))
          .hasMessage("1 EOT positions for 2 sequences");
      assertThatThrownBy(() -> backbone.encodeTokenEmbeddings(embeddings, new int[] {4, 5}))
          .hasMessage("EOT position 5 of sequence 1 is outside [0, 5)");
      assertThatThrownBy(() -> backbone.encodeTokenEmbeddings(m.zeros(new Shape(2, 5, 64)), new int[] {1, 1}))
          .hasMessageContaining("expected (N, L, 128)");
    }
  }

  @Test
  void halfPrecisionIsRefusedOnTheCpu() {
    assertThatThrownBy(() -> ClipBackbone.load(GoldenFixtures.path("tiny-a/hf"),
        BackboneOptions.defaults().withDevice("cpu").withPrecision(org.ckcoop.backbone.model.Precision.FP16)))
        .hasMessage("precision fp16 needs a GPU device; on cpu use fp32");
  }
}
