package org.ckcoop.backbone.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ckcoop.backbone.GoldenFixtures;
import org.ckcoop.backbone.safetensors.SafetensorsFile;
import org.ckcoop.backbone.safetensors.SafetensorsWriter;
import org.ckcoop.backbone.safetensors.StorageType;
import org.ckcoop.backbone.safetensors.TensorEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Both layouts, all three dtypes, shards: the same canonical weights come back. */
class CheckpointLayoutTest {
  @TempDir Path dir;

  static final ClipArchitecture ARCH = new ClipArchitecture(
      48, 32, 8, new TowerShape(128, 2, 2, 512, Activation.QUICK_GELU, 1e-5), 16, 600,
      new TowerShape(64, 1, 1, 256, Activation.QUICK_GELU, 1e-5));

  @ParameterizedTest
  @EnumSource(value = StorageType.class, names = {"F32", "F16", "BF16"})
  void everyLayoutAndDtypeRoundTripsExactly(StorageType type) {
    ClipCheckpoint original = RandomWeights.generate(ARCH, 7);
    for (String layout : new String[] {"huggingface", "openai", "openai-noconfig"}) {
      Path folder = dir.resolve(layout + "-" + type);
      CheckpointLayout.named(layout).write(original, folder, type);
      ClipCheckpoint read = CheckpointLayout.read(folder);
      assertThat(read.architecture()).as(layout).isEqualTo(ARCH);
      assertThat(read.weights()).as(layout).isEqualTo(original.weights());
      assertThat(read.contentHash()).as(layout).isEqualTo(original.contentHash());
    }
  }

  @Test
  void theStoredDtypeIsTheOneAskedFor() {
    CheckpointLayout.named("huggingface").write(RandomWeights.generate(ARCH, 1), dir, StorageType.BF16);
    try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
      assertThat(f.entries().values()).extracting(TensorEntry::type).containsOnly(StorageType.BF16);
      assertThat(f.entries()).containsKeys(
          "vision_model.encoder.layers.1.self_attn.q_proj.weight", "visual_projection.weight", "logit_scale");
    }
  }

  @Test
  void theIndependentPythonConversionGivesTheSameCanonicalWeights() {
    ClipCheckpoint openai = CheckpointLayout.read(GoldenFixtures.path("tiny-a/openai"));
    ClipCheckpoint hf = CheckpointLayout.read(GoldenFixtures.path("tiny-a/hf"));
    assertThat(openai.layout()).isEqualTo("openai");
    assertThat(hf.layout()).isEqualTo("huggingface");
    assertThat(hf.architecture()).isEqualTo(openai.architecture());
    assertThat(hf.weights()).isEqualTo(openai.weights());
    assertThat(hf.contentHash()).isEqualTo(openai.contentHash());
    ClipArchitecture a = openai.architecture();
    assertThat(a.vision().heads()).isEqualTo(2);
    assertThat(a.imageResolution()).isEqualTo(32);
    assertThat(a.contextLength()).isEqualTo(16);
    assertThat(a.embedDim()).isEqualTo(96);
  }

  @Test
  void openClipConfigAndPreprocessorConfigProvideActivationAndNormalisation() {
    ClipCheckpoint openClip = CheckpointLayout.read(GoldenFixtures.path("tiny-b/open_clip"));
    ClipCheckpoint hf = CheckpointLayout.read(GoldenFixtures.path("tiny-b/hf-eps"));
    assertThat(openClip.architecture().vision().activation()).isEqualTo(Activation.GELU);
    assertThat(hf.architecture().text().activation()).isEqualTo(Activation.GELU);
    assertThat(hf.architecture().text().layerNormEps()).isEqualTo(1e-6);
    assertThat(openClip.normalization().mean()).containsExactly(0.485, 0.456, 0.406);
    assertThat(hf.normalization()).isEqualTo(openClip.normalization());
    assertThat(hf.weights()).isEqualTo(openClip.weights());
    // same weights, different epsilon: a different model, so a different hash
    assertThat(hf.contentHash()).isNotEqualTo(openClip.contentHash());
  }

  @Test
  void shardedHuggingFaceCheckpointsReadLikeSingleFiles() throws IOException {
    ClipCheckpoint original = RandomWeights.generate(ARCH, 3);
    Path single = dir.resolve("single");
    CheckpointLayout.named("huggingface").write(original, single, StorageType.F16);
    Path sharded = dir.resolve("sharded");
    Files.createDirectories(sharded);
    Files.copy(single.resolve("config.json"), sharded.resolve("config.json"));
    StringBuilder index = new StringBuilder("{\"metadata\": {}, \"weight_map\": {");
    try (SafetensorsFile f = SafetensorsFile.open(single.resolve("model.safetensors"))) {
      SafetensorsWriter[] shards = {new SafetensorsWriter(), new SafetensorsWriter()};
      int i = 0;
      for (TensorEntry e : f.entries().values()) {
        int shard = i++ % 2;
        shards[shard].addFloats(e.name(), f.readFloats(e.name()), e.shape(), StorageType.F16);
        index.append(i > 1 ? "," : "").append('"').append(e.name()).append("\": \"model-0000")
            .append(shard + 1).append("-of-00002.safetensors\"");
      }
      shards[0].write(sharded.resolve("model-00001-of-00002.safetensors"));
      shards[1].write(sharded.resolve("model-00002-of-00002.safetensors"));
    }
    Files.writeString(sharded.resolve("model.safetensors.index.json"), index.append("}}").toString());
    assertThat(CheckpointLayout.read(sharded).weights()).isEqualTo(original.weights());
  }

  @Test
  void huggingFaceConfigsNameTheTokenizersSpecialTokens() throws IOException {
    var vocabulary = RandomCheckpoints.smallVocabulary();
    RandomCheckpoints.write(dir, RandomCheckpoints.preset("tiny"), CheckpointLayout.named("huggingface"), StorageType.F16, 1);
    var text = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("config.json").toFile()).get("text_config");
    assertThat(text.get("eos_token_id").asInt()).isEqualTo(vocabulary.endOfTextId());
    assertThat(text.get("bos_token_id").asInt()).isEqualTo(vocabulary.startOfTextId());
    assertThat(dir.resolve("vocab.json")).exists();
  }

  @Test
  void aSingleOpenAiFileCanBeGivenDirectly() {
    ClipCheckpoint read = CheckpointLayout.read(GoldenFixtures.path("tiny-a/openai/model.safetensors"));
    assertThat(read.weights()).isEqualTo(CheckpointLayout.read(GoldenFixtures.path("tiny-a/openai")).weights());
  }

  /** Rewrites a safetensors file after applying an edit to its tensors (used by the error tests). */
  static void rewrite(Path file, java.util.function.Consumer<Map<String, FloatTensor>> edit) {
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    Map<String, StorageType> types = new LinkedHashMap<>();
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      for (TensorEntry e : f.entries().values()) {
        tensors.put(e.name(), new FloatTensor(e.shape(), f.readFloats(e.name())));
        types.put(e.name(), e.type());
      }
    }
    edit.accept(tensors);
    SafetensorsWriter writer = new SafetensorsWriter();
    tensors.forEach((n, t) -> writer.addFloats(n, t.data(), t.shape(), types.getOrDefault(n, StorageType.F32)));
    writer.write(file);
  }
}
