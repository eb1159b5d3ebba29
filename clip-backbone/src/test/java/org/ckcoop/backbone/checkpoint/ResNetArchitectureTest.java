package org.ckcoop.backbone.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ckcoop.backbone.GoldenFixtures;
import org.ckcoop.backbone.safetensors.SafetensorsFile;
import org.ckcoop.backbone.safetensors.SafetensorsWriter;
import org.ckcoop.backbone.safetensors.StorageType;
import org.ckcoop.common.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ResNet architectures: OpenAI's presets, their tensor shapes, derivation, layouts, hashes. */
class ResNetArchitectureTest {
  @TempDir Path dir;

  @Test
  void rn50HasOpenAisShapes() {
    ClipArchitecture a = ClipArchitecture.preset("rn50", 49408);
    Map<String, long[]> shapes = a.expectedShapes();
    assertThat(a.describe()).isEqualTo(
        "ResNet 224px RN50 ([3, 4, 6, 3], width 64, 32 heads) + text (512w x 12L, 8 heads, ctx 77, vocab 49408) -> 1024");
    assertThat(shapes.get("visual.conv1.weight")).containsExactly(32, 3, 3, 3);
    assertThat(shapes.get("visual.conv3.weight")).containsExactly(64, 32, 3, 3);
    assertThat(shapes.get("visual.layer1.0.downsample.0.weight")).containsExactly(256, 64, 1, 1);
    assertThat(shapes.get("visual.layer2.0.conv1.weight")).containsExactly(128, 256, 1, 1);
    assertThat(shapes.get("visual.layer4.2.bn3.running_var")).containsExactly(2048);
    assertThat(shapes.get("visual.attnpool.positional_embedding")).containsExactly(50, 2048);
    assertThat(shapes.get("visual.attnpool.c_proj.weight")).containsExactly(1024, 2048);
    assertThat(shapes.get("text_projection")).containsExactly(512, 1024);
    assertThat(shapes).doesNotContainKeys("visual.layer4.3.conv1.weight", "visual.layer2.1.downsample.0.weight",
        "visual.proj", "visual.ln_post.weight");
    // OpenAI's RN50: 102,007,137 parameters (model.parameters() of clip/model.py's CLIP, counted with
    // torch) plus the running mean and variance of 55 batch norms (53,248 statistics)
    long statistics = shapes.entrySet().stream().filter(e -> e.getKey().contains("running_"))
        .mapToLong(e -> e.getValue()[0]).sum();
    assertThat(shapes.keySet().stream().filter(k -> k.endsWith("running_mean")).count()).isEqualTo(55);
    assertThat(statistics).isEqualTo(53_248L);
    assertThat(a.parameterCount() - statistics).isEqualTo(102_007_137L);
  }

  @Test
  void everyOpenAiResNetPresetHasItsResolutionAndEmbedding() {
    record Expected(String name, String label, int resolution, int embed, int textWidth, int heads) {}
    for (Expected e : List.of(
        new Expected("rn50", "ResNet (RN50)", 224, 1024, 512, 32),
        new Expected("rn101", "ResNet (RN101)", 224, 512, 512, 32),
        new Expected("rn50x4", "ResNet (RN50x4)", 288, 640, 640, 40),
        new Expected("rn50x16", "ResNet (RN50x16)", 384, 768, 768, 48),
        new Expected("rn50x64", "ResNet (RN50x64)", 448, 1024, 1024, 64))) {
      ClipArchitecture a = ClipArchitecture.preset(e.name(), 49408);
      ResNetShape r = (ResNetShape) a.imageTower();
      assertThat(r.label()).as(e.name()).isEqualTo(e.label());
      assertThat(a.imageResolution()).as(e.name()).isEqualTo(e.resolution());
      assertThat(a.embedDim()).as(e.name()).isEqualTo(e.embed());
      assertThat(a.text().width()).as(e.name()).isEqualTo(e.textWidth());
      assertThat(r.heads()).as(e.name()).isEqualTo(e.heads());
      assertThat(a.gridSize()).as(e.name()).isEqualTo(e.resolution() / 32);
      assertThat(a.hasVitImageTower()).isFalse();
    }
    assertThatThrownBy(() -> ClipArchitecture.preset("rn18", 49408)).isInstanceOf(InputException.class)
        .hasMessageContaining("tiny, tiny-rn, vit-b-32, vit-b-16, vit-l-14, rn50, rn101, rn50x4, rn50x16, rn50x64");
  }

  @Test
  void theTinyResNetRoundTripsThroughBothOpenAiLayoutsAndEveryDtype() {
    ClipArchitecture tiny = RandomCheckpoints.preset("tiny-rn");
    ClipCheckpoint original = RandomWeights.generate(tiny, 5);
    for (StorageType type : new StorageType[] {StorageType.F32, StorageType.F16, StorageType.BF16}) {
      for (String layout : new String[] {"openai", "openai-noconfig"}) {
        Path folder = dir.resolve(layout + "-" + type);
        CheckpointLayout.named(layout).write(original, folder, type);
        ClipCheckpoint read = CheckpointLayout.read(folder);
        assertThat(read.architecture()).as(layout).isEqualTo(tiny);
        assertThat(read.weights()).as(layout).isEqualTo(original.weights());
        assertThat(read.contentHash()).as(layout).isEqualTo(original.contentHash());
      }
    }
    JsonNode vision = ConfigFiles.read(dir.resolve("openai-F32").resolve(OpenAiLayout.CONFIG)).path("model_cfg").path("vision_cfg");
    assertThat(vision.path("layers").toString()).isEqualTo("[1,1,1,1]");
    assertThat(vision.path("width").asInt()).isEqualTo(8);
    assertThat(vision.path("head_width").asInt()).isEqualTo(64);
    assertThat(vision.path("image_size").asInt()).isEqualTo(64);
    // a random ResNet differs from a ViT's content, and from another seed's
    assertThat(RandomWeights.generate(tiny, 6).contentHash()).isNotEqualTo(original.contentHash());
  }

  @Test
  void anOpenClipHeadWidthChangesTheHeads() throws IOException {
    ClipCheckpoint original = RandomWeights.generate(RandomCheckpoints.preset("tiny-rn"), 5);
    new OpenAiLayout(true).write(original, dir, StorageType.F32);
    Path config = dir.resolve(OpenAiLayout.CONFIG);
    Files.writeString(config, Files.readString(config).replaceFirst("\"head_width\"\\s*:\\s*64", "\"head_width\": 32"));
    assertThat(Files.readString(config)).contains("\"head_width\": 32");
    assertThat(((ResNetShape) CheckpointLayout.read(dir).architecture().imageTower()).heads()).isEqualTo(8);
  }

  @Test
  void theHuggingFaceLayoutRefusesAResNet() {
    ClipCheckpoint original = RandomWeights.generate(RandomCheckpoints.preset("tiny-rn"), 5);
    assertThatThrownBy(() -> RandomCheckpoints.write(dir, original.architecture(), new HuggingFaceLayout(), StorageType.F16, 5))
        .isInstanceOf(InputException.class)
        .hasMessage("huggingface layout: Hugging Face's CLIPModel has only ViT image towers; this checkpoint's is"
            + " ResNet ([1, 1, 1, 1], width 8): write it in the openai layout");
  }

  @Test
  void aMissingBlockIsNamedAndExtraBuffersAreIgnored() throws IOException {
    Path source = GoldenFixtures.path("tiny-rn/model.safetensors");
    ClipCheckpoint full = CheckpointLayout.read(source);
    try (SafetensorsFile f = SafetensorsFile.open(source)) {
      assertThat(f.entries().keySet()).contains("visual.layer2.1.bn3.num_batches_tracked");
      // drop layer2.1's conv2: the architecture is still derived (2 blocks), the tensor is missing
      SafetensorsWriter w = new SafetensorsWriter();
      for (String name : f.entries().keySet()) {
        if (!name.equals("visual.layer2.1.conv2.weight") && !name.endsWith("num_batches_tracked")) {
          FloatTensor t = full.weights().get(name);
          w.addFloats(name, t.data(), t.shape(), StorageType.F32);
        }
      }
      w.write(dir.resolve("model.safetensors"));
    }
    assertThatThrownBy(() -> CheckpointLayout.read(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("missing tensor 'visual.layer2.1.conv2.weight' [8, 8, 3, 3]");
  }

  @Test
  void vitContentHashesAreWhatTheyWereBeforeImageTowersHadKinds() throws IOException {
    // models/mini-clip/PRETRAINED.md records the pretrained mini-CLIP's content hash; the hash covers
    // ClipArchitecture's text, which must not change for ViT models.
    Path miniClip = Path.of("..", "models", "mini-clip");
    Matcher m = Pattern.compile("Content hash: `([0-9a-f]{64})`").matcher(Files.readString(miniClip.resolve("PRETRAINED.md")));
    assertThat(m.find()).isTrue();
    assertThat(CheckpointLayout.read(miniClip).contentHash()).isEqualTo(m.group(1));
    assertThat(ClipArchitecture.vitB16().toString()).isEqualTo("ClipArchitecture[embedDim=512, imageResolution=224,"
        + " patchSize=16, vision=TowerShape[width=768, layers=12, heads=12, mlpWidth=3072, activation=QUICK_GELU,"
        + " layerNormEps=1.0E-5], contextLength=77, vocabSize=49408, text=TowerShape[width=512, layers=12, heads=8,"
        + " mlpWidth=2048, activation=QUICK_GELU, layerNormEps=1.0E-5]]");
  }
}
