package org.ckcoop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ckcoop.backbone.checkpoint.CheckpointLayout;
import org.ckcoop.backbone.checkpoint.ClipCheckpoint;
import org.ckcoop.backbone.safetensors.SafetensorsFile;
import org.ckcoop.backbone.safetensors.StorageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ckcoop encode} and {@code predict} on the same tiny model stored as safetensors, as torch.save {@code .bin} and
 * {@code .pt} archives and as a traced TorchScript {@code .pt} (the fixtures torch wrote once, see
 * {@code tools/reference/make_torch_fixtures.py}), ViT and ResNet alike: one backbone identity, the
 * same features; a pickle that names {@code os.system} is refused and runs nothing.
 */
class CheckpointFormatsCommandTest {
  private static final Path GOLDEN = Path.of(System.getProperty("ckcoop.repo.dir"), "clip-backbone/src/test/resources/golden");
  @TempDir Path dir;

  private record Encoded(int status, String out, String err, Path file) {}

  @org.junit.jupiter.api.BeforeEach
  void writeImages() {
    SampleImages.write(dir.resolve("images"), 3, 40, 30, 1);
  }

  private Encoded encode(Path backbone, String name) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = CkcoopCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    Path images = dir.resolve("images");
    Path file = dir.resolve(name + ".safetensors");
    int status = cli.execute("encode", "--backbone", backbone.toString(), "--images", images.toString(),
        "--text", "a photo of a red circle.", "--text", "a sketch.", "--out", file.toString());
    return new Encoded(status, out.toString(), err.toString(), file);
  }

  /** {@code predict --learner zsclip} on the same images: the logits, or null when it failed. */
  private float[] predict(Path backbone, String name) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = CkcoopCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    Path file = dir.resolve(name + "-predict.safetensors");
    int status = cli.execute("predict", "--backbone", backbone.toString(), "--learner", "zsclip",
        "--classes", "red circle,blue star,green square", "--images", dir.resolve("images").toString(),
        "--out", file.toString());
    assertThat(status).as(err.toString()).isZero();
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      return f.readFloats("logits");
    }
  }

  private void assertSamePredictions(List<Path> backbones) throws Exception {
    float[] first = predict(backbones.get(0), "p0");
    assertThat(first).hasSize(3 * 3);
    for (int i = 1; i < backbones.size(); i++) {
      float[] other = predict(backbones.get(i), "p" + i);
      for (int k = 0; k < first.length; k++) {
        assertThat(other[k]).as("logit %d from %s", k, backbones.get(i)).isCloseTo(first[k],
            org.assertj.core.data.Offset.offset(1e-4f));
      }
    }
  }

  private static void assertSameFeatures(List<Encoded> runs) throws Exception {
    String identity = null;
    float[] image = null;
    float[] text = null;
    for (Encoded e : runs) {
      assertThat(e.status()).as(e.err()).isZero();
      try (SafetensorsFile f = SafetensorsFile.open(e.file())) {
        if (identity == null) {
          identity = f.metadata().get("backbone_identity");
          image = f.readFloats("image_features");
          text = f.readFloats("text_features");
          continue;
        }
        assertThat(f.metadata().get("backbone_identity")).as(e.file().toString()).isEqualTo(identity);
        float[] i = f.readFloats("image_features");
        float[] t = f.readFloats("text_features");
        for (int k = 0; k < image.length; k++) {
          assertThat(i[k]).as("image feature %d of %s", k, e.file()).isCloseTo(image[k], org.assertj.core.data.Offset.offset(1e-6f));
        }
        for (int k = 0; k < text.length; k++) {
          assertThat(t[k]).as("text feature %d of %s", k, e.file()).isCloseTo(text[k], org.assertj.core.data.Offset.offset(1e-6f));
        }
      }
    }
  }

  @Test
  void aVitModelEncodesTheSameFromSafetensorsBinPtAndTorchScript() throws Exception {
    List<Encoded> runs = new ArrayList<>();
    runs.add(encode(GOLDEN.resolve("tiny-b/open_clip"), "safetensors"));
    runs.add(encode(GOLDEN.resolve("torch/tiny-b/open_clip-bin"), "bin"));
    runs.add(encode(GOLDEN.resolve("torch/tiny-b/wrapped-pt"), "pt"));
    runs.add(encode(GOLDEN.resolve("torch/tiny-b/torchscript"), "torchscript"));
    assertSameFeatures(runs);
    assertSamePredictions(List.of(GOLDEN.resolve("tiny-b/open_clip"), GOLDEN.resolve("torch/tiny-b/open_clip-bin"),
        GOLDEN.resolve("torch/tiny-b/wrapped-pt"), GOLDEN.resolve("torch/tiny-b/torchscript")));
  }

  @Test
  void aResNetModelEncodesTheSameFromBinTorchScriptAndSafetensors() throws Exception {
    Path bin = GOLDEN.resolve("torch/resnet");
    // the same weights written as safetensors (OpenAI layout) by ckcoop itself
    Path safetensors = dir.resolve("rn-safetensors");
    ClipCheckpoint read = CheckpointLayout.read(bin.resolve("rn-tiny.bin"));
    CheckpointLayout.named("openai").write(read, safetensors, StorageType.F32);
    for (String tokenizerFile : List.of("vocab.json", "merges.txt")) {
      Files.copy(bin.resolve(tokenizerFile), safetensors.resolve(tokenizerFile));
    }
    Path torchscript = dir.resolve("rn-torchscript");
    Files.createDirectories(torchscript);
    for (String f : List.of("rn-tiny-torchscript.pt", "vocab.json", "merges.txt")) {
      Files.copy(bin.resolve(f), torchscript.resolve(f));
    }
    Path binOnly = dir.resolve("rn-bin");
    Files.createDirectories(binOnly);
    for (String f : List.of("rn-tiny.bin", "vocab.json", "merges.txt")) {
      Files.copy(bin.resolve(f), binOnly.resolve(f));
    }
    List<Encoded> runs = List.of(encode(binOnly, "rn-bin"), encode(torchscript, "rn-torchscript"),
        encode(safetensors, "rn-safetensors"));
    assertSameFeatures(runs);
    assertThat(runs.get(0).out()).contains("image_features [3, 32]");
    assertSamePredictions(List.of(binOnly, torchscript, safetensors));
  }

  @Test
  void aPickleThatNamesOsSystemIsRefusedWithoutRunningIt() throws Exception {
    Path hostile = Files.list(GOLDEN.resolve("torch/misc")).filter(p -> p.getFileName().toString().contains("os-system"))
        .findFirst().orElseThrow();
    Path marker = Path.of("/tmp/ckcoop-pickle-was-executed"); // what the pickle would touch
    Files.deleteIfExists(marker);
    Encoded e = encode(hostile, "hostile");
    assertThat(e.status()).isEqualTo(2);
    assertThat(e.err()).contains(hostile.toString()).contains("os.system");
    assertThat(marker).doesNotExist();
    assertThat(e.file()).doesNotExist();
  }
}
