package org.ckcoop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.backbone.checkpoint.CheckpointLayout;
import org.ckcoop.backbone.checkpoint.RandomCheckpoints;
import org.ckcoop.backbone.encode.FeatureFile;
import org.ckcoop.backbone.safetensors.SafetensorsFile;
import org.ckcoop.backbone.safetensors.StorageType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ckcoop encode} end to end on a random tiny checkpoint, and its error messages. */
class EncodeCommandTest {
  @TempDir Path dir;
  Path checkpoint;
  List<Path> images;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeEach
  void setUp() {
    checkpoint = dir.resolve("ckpt");
    RandomCheckpoints.write(checkpoint, RandomCheckpoints.preset("tiny"), CheckpointLayout.named("openai"), StorageType.BF16, 5);
    images = SampleImages.write(dir.resolve("images"), 5, 40, 30, 1);
  }

  private int run(String... args) {
    CommandLine cli = CkcoopCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void writesFeaturesInTheGivenOrderWithProvenance() throws Exception {
    Path texts = Files.writeString(dir.resolve("texts.txt"), "a photo of a red circle.\n\na sketch of a blue star.\n");
    Path outFile = dir.resolve("features.safetensors");
    int status = run("encode", "--backbone", checkpoint.toString(),
        "--image", images.get(3).toString(), "--images", dir.resolve("images").toString(),
        "--text", "a green square.", "--texts", texts.toString(), "--out", outFile.toString(), "--batch-size", "2");
    assertThat(status).as(err.toString()).isZero();
    assertThat(out.toString()).contains("image_features [6, 64], text_features [3, 64]");
    try (SafetensorsFile f = SafetensorsFile.open(outFile);
        ClipBackbone backbone = ClipBackbone.load(checkpoint);
        var m = EngineRuntime.engine().newBaseManager()) {
      assertThat(f.entry("image_features").shape()).containsExactly(6, 64);
      assertThat(f.entry("text_tokens").shape()).containsExactly(3, 16);
      assertThat(f.metadata()).containsEntry("format", FeatureFile.FORMAT)
          .containsEntry("backbone_identity", backbone.identity())
          .containsKey("ckcoop_version");
      List<String> paths = List.of(new ObjectMapper().readValue(f.metadata().get("image_paths"), String[].class));
      assertThat(paths).hasSize(6);
      assertThat(paths.get(0)).endsWith("003-yellow-circle.png");
      assertThat(paths.subList(1, 6)).allMatch(p -> p.contains("images"));
      assertThat(paths.get(1)).endsWith("000-red-circle.png");
      assertThat(List.of(new ObjectMapper().readValue(f.metadata().get("texts"), String[].class)))
          .containsExactly("a green square.", "a photo of a red circle.", "a sketch of a blue star.");
      // the rows are the backbone's own features for those inputs
      float[] direct = backbone.encodeTokens(backbone.tokenize(m, List.of("a sketch of a blue star."))).toFloatArray();
      float[] stored = f.readFloats("text_features");
      for (int j = 0; j < 64; j++) {
        assertThat(stored[2 * 64 + j]).isCloseTo(direct[j], org.assertj.core.data.Offset.offset(1e-5f));
      }
      float[] features = f.readFloats("image_features");
      for (int j = 0; j < 64; j++) {
        assertThat(features[j]).as("--image first, then the folder").isEqualTo(features[4 * 64 + j]);
      }
    }
  }

  @Test
  void aMissingImageIsNamedBeforeAnyWorkAndNothingIsWritten() {
    Path outFile = dir.resolve("f.safetensors");
    int status = run("encode", "--backbone", checkpoint.toString(), "--image", dir.resolve("nope.png").toString(),
        "--out", outFile.toString());
    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("1 image file(s) not found: [" + dir.resolve("nope.png") + "]");
    assertThat(outFile).doesNotExist();
  }

  @Test
  void anUnreadableImageIsNamedAndAnEarlierOutputSurvives() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.png"), "not a png");
    Path outFile = Files.writeString(dir.resolve("f.safetensors"), "earlier result");
    int status = run("encode", "--backbone", checkpoint.toString(), "--image", bad.toString(), "--out", outFile.toString());
    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains(bad.toString());
    assertThat(Files.readString(outFile)).isEqualTo("earlier result");
  }

  @Test
  void aCorruptCheckpointIsNamedWithTheTensor() throws Exception {
    Path weights = checkpoint.resolve("open_clip_model.safetensors");
    byte[] bytes = Files.readAllBytes(weights);
    Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length - 100));
    int status = run("encode", "--backbone", checkpoint.toString(), "--text", "a cat", "--out", dir.resolve("f.safetensors").toString());
    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains(weights.toString()).contains("truncated: tensor '");
  }

  @Test
  void badOptionsSayWhatIsAllowed() {
    assertThat(run("encode", "--backbone", checkpoint.toString(), "--out", dir.resolve("f.safetensors").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("nothing to encode: give --image, --images, --text or --texts");
    assertThat(run("encode", "--backbone", checkpoint.toString(), "--text", "x", "--device", "tpu",
        "--out", dir.resolve("f.safetensors").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("unknown device 'tpu' (allowed: cpu, gpu, gpu:N, auto)");
    assertThat(run("encode", "--backbone", checkpoint.toString(), "--text", "x", "--out", dir.resolve("f.bin").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--out must end in .safetensors");
  }

  @Test
  void textFilesMustBeUtf8AndAByteOrderMarkIsDropped() throws Exception {
    Path bom = dir.resolve("bom.txt");
    Files.write(bom, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'a', ' ', 'c', 'a', 't', '\r', '\n'});
    Path outFile = dir.resolve("f.safetensors");
    assertThat(run("encode", "--backbone", checkpoint.toString(), "--texts", bom.toString(), "--out", outFile.toString()))
        .as(err.toString()).isZero();
    try (SafetensorsFile f = SafetensorsFile.open(outFile)) {
      assertThat(f.metadata().get("texts")).isEqualTo("[\"a cat\"]");
      assertThat(f.metadata()).containsEntry("device", "cpu").containsKey("architecture");
      assertThat(f.readFloats("logit_scale")).hasSize(1);
    }
    Path latin1 = dir.resolve("latin1.txt");
    Files.write(latin1, new byte[] {'o', 'k', '\n', 'c', 'r', (byte) 0xE8, 'm', 'e', '\n'});
    assertThat(run("encode", "--backbone", checkpoint.toString(), "--texts", latin1.toString(), "--out", outFile.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains(latin1 + ": line 2 is not valid UTF-8");
  }

  @Test
  void truncatedTextsAreReportedAndRecorded() throws Exception {
    Path outFile = dir.resolve("f.safetensors");
    String longText = "a photo of a red circle on a striped background next to a large blue square and a small green star";
    assertThat(run("encode", "--backbone", checkpoint.toString(), "--text", "short", "--text", longText,
        "--out", outFile.toString())).isZero();
    assertThat(err.toString()).contains("warning: 1 text(s) longer than the context length 16 were truncated (EOT kept last): indices [1]");
    try (SafetensorsFile f = SafetensorsFile.open(outFile)) {
      assertThat(f.metadata()).containsEntry("truncated_texts", "[1]");
      long[] tokens = f.readLongs("text_tokens");
      assertThat(tokens[31]).isEqualTo(RandomCheckpoints.smallVocabulary().endOfTextId());
    }
  }

  @Test
  void foldersAreCheckedForWhatTheyHold() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThat(run("encode", "--backbone", checkpoint.toString(), "--images", empty.toString(), "--text", "x",
        "--out", dir.resolve("f.safetensors").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--images " + empty + ": no .png, .jpg or .jpeg files in it");
    assertThat(run("encode", "--backbone", checkpoint.toString(), "--image", empty.toString(),
        "--out", dir.resolve("f.safetensors").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--image " + empty + " is a folder; use --images for folders");
  }

  @Test
  void everySubcommandHasHelp() {
    for (String command : new String[] {"demo", "encode", "random-checkpoint", "bench"}) {
      out.getBuffer().setLength(0);
      assertThat(run(command, "--help")).isZero();
      assertThat(out.toString()).startsWith("Usage: ckcoop " + command);
    }
  }
}
