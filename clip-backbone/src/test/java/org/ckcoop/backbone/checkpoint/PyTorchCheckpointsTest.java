package org.ckcoop.backbone.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ckcoop.backbone.GoldenFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PyTorch files open exactly like safetensors: the same layouts detected, the same canonical weights
 * and the same content hash as the safetensors folder each fixture was made from.
 */
class PyTorchCheckpointsTest {
  @TempDir Path dir;

  static Path torch(String relative) {
    return GoldenFixtures.path("torch/" + relative);
  }

  @Test
  void everyPyTorchFolderReadsAsItsSafetensorsOriginal() {
    ClipCheckpoint openClip = CheckpointLayout.read(GoldenFixtures.path("tiny-b/open_clip"));
    ClipCheckpoint hf = CheckpointLayout.read(GoldenFixtures.path("tiny-b/hf-eps"));
    String[][] cases = {
        {"tiny-b/open_clip-bin", "openai"},
        {"tiny-b/wrapped-pt", "openai"},
        {"tiny-b/torchscript", "openai"},
        {"tiny-b/hf-eps-bin", "huggingface"},
        {"tiny-b/hf-eps-sharded", "huggingface"}};
    for (String[] c : cases) {
      ClipCheckpoint original = c[1].equals("openai") ? openClip : hf;
      ClipCheckpoint read = CheckpointLayout.read(torch(c[0]));
      assertThat(read.layout()).as(c[0]).isEqualTo(c[1]);
      assertThat(read.architecture()).as(c[0]).isEqualTo(original.architecture());
      assertThat(read.normalization()).as(c[0]).isEqualTo(original.normalization());
      assertThat(read.weights()).as(c[0]).isEqualTo(original.weights());
      assertThat(read.contentHash()).as(c[0]).isEqualTo(original.contentHash());
    }
    // the two tiny-b families hold the same weights (only the epsilon differs), so one more check
    // that the BF16 and F16 PyTorch files hold the F32 values exactly
    assertThat(CheckpointLayout.read(torch("tiny-b/hf-eps-sharded")).weights()).isEqualTo(openClip.weights());
  }

  @Test
  void theShardIndexIsFollowedIntoBothBinFiles() {
    try (CheckpointTensors t = CheckpointTensors.open(torch("tiny-b/hf-eps-sharded"), HuggingFaceLayout.WEIGHTS)) {
      assertThat(t.description().getFileName().toString()).isEqualTo("pytorch_model.bin.index.json");
      assertThat(t.fileOf("text_model.final_layer_norm.weight").getFileName().toString())
          .isEqualTo("pytorch_model-00001-of-00002.bin");
      assertThat(t.fileOf("vision_model.post_layernorm.weight").getFileName().toString())
          .isEqualTo("pytorch_model-00002-of-00002.bin");
      assertThat(t.entry("logit_scale").type()).isEqualTo(org.ckcoop.backbone.safetensors.StorageType.F16);
      assertThat(t.read("logit_scale").data()).containsExactly(2.65625f);
    }
  }

  @Test
  void aFileNamedDirectlyIsReadWithTheArchitectureDerivedFromShapes() {
    ClipCheckpoint folder = CheckpointLayout.read(torch("tiny-b/torchscript"));
    for (String file : new String[] {"tiny-b/torchscript/tiny-b-vit.pt", "tiny-b/wrapped-pt/tiny-b.pt",
        "tiny-b/open_clip-bin/open_clip_pytorch_model.bin"}) {
      ClipCheckpoint direct = CheckpointLayout.read(torch(file));
      assertThat(direct.source()).isEqualTo(torch(file));
      assertThat(direct.weights()).as(file).isEqualTo(folder.weights());
      // without open_clip_config.json, OpenAI's build_model rule applies: QuickGELU, heads = width / 64
      assertThat(direct.architecture().vision().activation()).as(file).isEqualTo(Activation.QUICK_GELU);
      assertThat(direct.architecture().vision().heads()).isEqualTo(1);
    }
  }

  @Test
  void safetensorsArePreferredWhenBothFormatsAreThere() throws IOException {
    Path both = Files.createDirectories(dir.resolve("both"));
    Path oc = GoldenFixtures.path("tiny-b/open_clip");
    Files.copy(oc.resolve("open_clip_config.json"), both.resolve("open_clip_config.json"));
    Files.copy(oc.resolve("open_clip_model.safetensors"), both.resolve("open_clip_model.safetensors"));
    Files.writeString(both.resolve("open_clip_pytorch_model.bin"), "not read");
    try (CheckpointTensors t = CheckpointTensors.open(both, OpenAiLayout.WEIGHTS)) {
      assertThat(t.description().getFileName().toString()).isEqualTo("open_clip_model.safetensors");
    }
    assertThat(CheckpointLayout.read(both).contentHash()).isEqualTo(CheckpointLayout.read(oc).contentHash());
  }

  @Test
  void refusedAndLegacyFilesStopTheLoadNamingTheFile() throws IOException {
    Path hostile = Files.createDirectories(dir.resolve("hostile"));
    Path hf = torch("tiny-b/hf-eps-bin");
    Files.copy(hf.resolve("config.json"), hostile.resolve("config.json"));
    Files.copy(torch("misc/refused-os-system.pt"), hostile.resolve("pytorch_model.bin"));
    assertThatThrownBy(() -> CheckpointLayout.read(hostile))
        .isInstanceOf(CheckpointException.class)
        .hasMessageStartingWith(hostile.resolve("pytorch_model.bin")
            + ": refused: the pickle names the Python global 'os.system'");
    Files.copy(torch("misc/legacy-format.pt"), hostile.resolve("pytorch_model.bin"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> CheckpointLayout.read(hostile))
        .hasMessageStartingWith(hostile.resolve("pytorch_model.bin") + ": is in PyTorch's legacy (pre-1.6, non-zip) "
            + "format")
        .hasMessageContaining("torch.save(torch.load(f), f2)");
    Path noWeights = Files.createDirectories(dir.resolve("no-weights"));
    Files.copy(hf.resolve("config.json"), noWeights.resolve("config.json"));
    assertThatThrownBy(() -> CheckpointLayout.read(noWeights))
        .hasMessage(noWeights + ": has config.json but no weights file (looked for model.safetensors.index.json, "
            + "model.safetensors, pytorch_model.bin.index.json, pytorch_model.bin)");
  }

  @Test
  void aTruncatedBinInAFolderNamesTheFile() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("truncated"));
    Path src = torch("tiny-b/open_clip-bin");
    Files.copy(src.resolve("open_clip_config.json"), folder.resolve("open_clip_config.json"));
    byte[] bytes = Files.readAllBytes(src.resolve("open_clip_pytorch_model.bin"));
    Files.write(folder.resolve("open_clip_pytorch_model.bin"), java.util.Arrays.copyOf(bytes, bytes.length - 100));
    assertThatThrownBy(() -> CheckpointLayout.read(folder))
        .isInstanceOf(CheckpointException.class)
        .hasMessageStartingWith(folder.resolve("open_clip_pytorch_model.bin") + ": corrupt or truncated zip archive");
  }
}
