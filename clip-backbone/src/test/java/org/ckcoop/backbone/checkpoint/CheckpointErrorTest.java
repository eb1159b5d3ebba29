package org.ckcoop.backbone.checkpoint;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.ckcoop.backbone.safetensors.StorageType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a checkpoint can be wrong gets a message naming the file, the tensor and the shapes. */
class CheckpointErrorTest {
  @TempDir Path dir;
  Path hf;
  Path openai;

  @BeforeEach
  void writeCheckpoints() {
    ClipCheckpoint c = RandomWeights.generate(CheckpointLayoutTest.ARCH, 11);
    hf = dir.resolve("hf");
    openai = dir.resolve("openai");
    CheckpointLayout.named("huggingface").write(c, hf, StorageType.F16);
    CheckpointLayout.named("openai-noconfig").write(c, openai, StorageType.F32);
  }

  @Test
  void missingTensor() {
    CheckpointLayoutTest.rewrite(hf.resolve("model.safetensors"),
        t -> t.remove("text_model.encoder.layers.0.mlp.fc2.bias"));
    assertThatThrownBy(() -> CheckpointLayout.read(hf))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(hf.resolve("model.safetensors").toString())
        .hasMessageContaining("missing tensor 'text_model.encoder.layers.0.mlp.fc2.bias' [64]")
        .hasMessageContaining("config.json");
  }

  @Test
  void unexpectedTensor() {
    CheckpointLayoutTest.rewrite(openai.resolve("model.safetensors"),
        t -> t.put("visual.extra_adapter.weight", new FloatTensor(new long[] {2, 2}, new float[4])));
    assertThatThrownBy(() -> CheckpointLayout.read(openai))
        .hasMessageContaining(openai.resolve("model.safetensors").toString())
        .hasMessageContaining("unexpected tensor 'visual.extra_adapter.weight' [2, 2]");
  }

  @Test
  void shapeThatDisagreesWithTheConfig() throws IOException {
    Path config = hf.resolve("config.json");
    Files.writeString(config, Files.readString(config).replace("\"intermediate_size\" : 256", "\"intermediate_size\" : 300"));
    assertThatThrownBy(() -> CheckpointLayout.read(hf))
        .hasMessageContaining(hf.resolve("model.safetensors").toString())
        .hasMessageContaining("tensor 'text_model.encoder.layers.0.mlp.fc1.weight' has shape [256, 64], expected [300, 64]")
        .hasMessageContaining("the sizes in " + config);
  }

  @Test
  void positionalEmbeddingThatIsNotASquareGrid() {
    CheckpointLayoutTest.rewrite(openai.resolve("model.safetensors"),
        t -> t.put("visual.positional_embedding", new FloatTensor(new long[] {16, 128}, new float[16 * 128])));
    assertThatThrownBy(() -> CheckpointLayout.read(openai))
        .hasMessageContaining("tensor 'visual.positional_embedding' has 16 rows, expected a square number of patches + 1");
  }

  @Test
  void truncatedWeights() throws IOException {
    Path file = hf.resolve("model.safetensors");
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> CheckpointLayout.read(hf))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("truncated: tensor '");
  }

  @Test
  void corruptConfig() throws IOException {
    Files.writeString(hf.resolve("config.json"), "{ \"projection_dim\": 48, ");
    assertThatThrownBy(() -> CheckpointLayout.read(hf))
        .hasMessageContaining(hf.resolve("config.json").toString())
        .hasMessageContaining("not valid JSON");
    Files.writeString(hf.resolve("config.json"), "{ \"model_type\": \"siglip\" }");
    assertThatThrownBy(() -> CheckpointLayout.read(hf)).hasMessageContaining("model_type is 'siglip', expected 'clip'");
    Files.writeString(hf.resolve("config.json"), "{ \"text_config\": {\"hidden_act\": \"relu\"} }");
    assertThatThrownBy(() -> CheckpointLayout.read(hf))
        .hasMessageContaining("text_config.hidden_act: unsupported activation 'relu' (supported: quick_gelu, gelu)");
  }

  @Test
  void folderThatIsNotACheckpoint() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> CheckpointLayout.read(empty))
        .hasMessageContaining(empty + ": not a CLIP checkpoint folder: expected config.json + model.safetensors");
    assertThatThrownBy(() -> CheckpointLayout.read(dir.resolve("nowhere")))
        .hasMessageContaining("no such checkpoint folder or weights file (.safetensors, .bin, .pt, .pth)");
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Files.copy(hf.resolve("config.json"), bin.resolve("config.json"));
    Files.writeString(bin.resolve("pytorch_model.bin"), "pickle");
    assertThatThrownBy(() -> CheckpointLayout.read(bin))
        .hasMessageContaining(bin.resolve("pytorch_model.bin") + ": not a PyTorch checkpoint: a torch.save or "
            + "torch.jit.save file is a zip archive (starts with PK), this file starts with bytes 7069636b6c65");
  }

  @Test
  void headsCannotBeDerivedFromANarrowTowerWithoutAConfig() {
    ClipArchitecture narrow = new ClipArchitecture(
        16, 16, 8, new TowerShape(32, 1, 1, 64, Activation.QUICK_GELU, 1e-5), 8, 600,
        new TowerShape(64, 1, 1, 256, Activation.QUICK_GELU, 1e-5));
    Path withConfig = dir.resolve("narrow");
    CheckpointLayout.named("openai").write(RandomWeights.generate(narrow, 1), withConfig, StorageType.F32);
    org.assertj.core.api.Assertions.assertThat(CheckpointLayout.read(withConfig).architecture()).isEqualTo(narrow);
    Path weightsOnly = withConfig.resolve("open_clip_model.safetensors");
    assertThatThrownBy(() -> CheckpointLayout.read(weightsOnly))
        .hasMessageContaining("cannot derive the number of heads of the vision tower from width 32")
        .hasMessageContaining("add an open_clip_config.json");
  }

  @Test
  void integerTensorWhereAWeightBelongs() {
    Path file = openai.resolve("model.safetensors");
    java.util.Map<String, FloatTensor> all = new java.util.LinkedHashMap<>();
    try (var f = org.ckcoop.backbone.safetensors.SafetensorsFile.open(file)) {
      f.entries().keySet().forEach(n -> all.put(n, new FloatTensor(f.entry(n).shape(), f.readFloats(n))));
    }
    var writer = new org.ckcoop.backbone.safetensors.SafetensorsWriter();
    all.forEach((n, t) -> {
      if (n.equals("ln_final.bias")) {
        writer.addLongs(n, new long[64], t.shape());
      } else {
        writer.addFloats(n, t.data(), t.shape(), StorageType.F32);
      }
    });
    writer.write(file);
    assertThatThrownBy(() -> CheckpointLayout.read(openai))
        .hasMessageContaining("tensor 'ln_final.bias' is I64, expected a floating-point weight");
  }

  @Test
  void openClipOptionsThatWouldChangeTheModelAreRejectedByName() throws IOException {
    Path dir2 = dir.resolve("oc");
    CheckpointLayout.named("openai").write(RandomWeights.generate(CheckpointLayoutTest.ARCH, 2), dir2, StorageType.F32);
    Path config = dir2.resolve("open_clip_config.json");
    String original = Files.readString(config);
    Files.writeString(config, original.replace("\"patch_size\"", "\"attentional_pool\" : true, \"patch_size\""));
    assertThatThrownBy(() -> CheckpointLayout.read(dir2))
        .hasMessageContaining(config + ": vision_cfg.attentional_pool = true is not supported by this CLIP backbone (only false)");
    Files.writeString(config, original.replace("\"patch_size\"", "\"brand_new_option\" : 1, \"patch_size\""));
    assertThatThrownBy(() -> CheckpointLayout.read(dir2))
        .hasMessageContaining("vision_cfg.brand_new_option is an open_clip option this CLIP backbone does not implement");
    Files.writeString(config, original.replace("\"layers\" : 1,", "\"layers\" : 1, \"norm_kwargs\" : {\"eps\" : 1e-6},"));
    org.assertj.core.api.Assertions.assertThat(CheckpointLayout.read(dir2).architecture().text().layerNormEps()).isEqualTo(1e-6);
  }

  @Test
  void anOpenClipConfigWithoutItsWeightsDoesNotHideAHuggingFaceCheckpoint() throws IOException {
    Files.writeString(hf.resolve("open_clip_config.json"), "{\"model_cfg\": {\"embed_dim\": 48}}");
    org.assertj.core.api.Assertions.assertThat(CheckpointLayout.read(hf).layout()).isEqualTo("huggingface");
  }

  @Test
  void mlpWidthsThatAreNotAWholeRatioRoundTripThroughOpenClipConfigs() {
    ClipArchitecture odd = new ClipArchitecture(
        16, 16, 8, new TowerShape(64, 1, 1, 53 * 4 + 3, Activation.GELU, 1e-5), 8, 600,
        new TowerShape(64, 1, 1, 150, Activation.GELU, 1e-6));
    Path folder = dir.resolve("odd");
    CheckpointLayout.named("openai").write(RandomWeights.generate(odd, 4), folder, StorageType.F32);
    org.assertj.core.api.Assertions.assertThat(CheckpointLayout.read(folder).architecture()).isEqualTo(odd);
  }
}
