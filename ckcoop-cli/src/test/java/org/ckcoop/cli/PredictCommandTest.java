package org.ckcoop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.backbone.checkpoint.CheckpointLayout;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.backbone.checkpoint.RandomCheckpoints;
import org.ckcoop.backbone.encode.FeatureEncoder;
import org.ckcoop.backbone.safetensors.SafetensorsFile;
import org.ckcoop.backbone.safetensors.StorageType;
import org.ckcoop.core.classify.PromptClassifier;
import org.ckcoop.core.config.LayeredConfig;
import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.LearnerStateFile;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.learner.PromptLearnerFactory;
import org.ckcoop.core.plugin.LearnerRegistry;
import org.ckcoop.core.run.CoreSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ckcoop predict} on hand-written state files, against the learners' own logits. */
class PredictCommandTest {
  @TempDir Path dir;

  private int run(StringWriter err, String... args) {
    CommandLine cli = CkcoopCommand.commandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void predictsNewClassesFromAHandWrittenStateAndZeroShot() throws Exception {
    Path checkpoint = dir.resolve("ckpt");
    RandomCheckpoints.write(checkpoint, RandomCheckpoints.preset("tiny"), CheckpointLayout.named("huggingface"), StorageType.F16, 3);
    Path images = dir.resolve("images");
    List<Path> files = SampleImages.write(images, 4, 40, 30, 2);
    List<String> classes = List.of("red circle", "blue square", "green triangle");
    float[] ctx = new float[4 * 64];
    SplittableRandom random = new SplittableRandom(4);
    for (int i = 0; i < ctx.length; i++) {
      ctx[i] = (float) (0.02 * random.nextGaussian());
    }
    Path state = dir.resolve("coop.safetensors");
    new LearnerStateFile("coop", Map.of("learner.coop.n_ctx", "4"), "", List.of("base a", "base b"),
        Map.of("ctx", new FloatTensor(new long[] {4, 64}, ctx))).write(state);
    for (String learner : new String[] {"coop", "zsclip"}) {
      Path out = dir.resolve(learner + "-out.safetensors");
      StringWriter err = new StringWriter();
      String[] args = learner.equals("coop")
          ? new String[] {"predict", "--backbone", checkpoint.toString(), "--learner-state", state.toString(),
              "--classes", String.join(",", classes), "--images", images.toString(), "--out", out.toString()}
          : new String[] {"predict", "--backbone", checkpoint.toString(), "--learner", "zsclip", "--template",
              "a sketch of a {}.", "--classes", String.join(",", classes), "--images", images.toString(), "--out", out.toString()};
      assertThat(run(err, args)).as(err.toString()).isZero();
      float[] expected;
      try (ClipBackbone backbone = ClipBackbone.load(checkpoint)) {
        LearnerRegistry registry = LearnerRegistry.discover();
        PromptLearnerFactory factory = registry.factory(learner);
        LayeredConfig.Builder config = LayeredConfig.builder(CoreSettings.schema(registry));
        if (learner.equals("coop")) {
          config.override("learner.coop.n_ctx=4");
        }
        Record settings = config.build().bind(CoreSettings.learnerSection(factory));
        try (PromptLearner direct = factory.create(new LearnerContext(backbone, classes, settings,
            learner.equals("coop") ? LearnerContext.DEFAULT_TEMPLATE : "a sketch of a {}.", 0))) {
          if (learner.equals("coop")) {
            direct.loadState(Map.of("ctx", new FloatTensor(new long[] {4, 64}, ctx)));
          }
          float[] features = new FeatureEncoder(backbone, 8).encodeImages(files, n -> { });
          expected = PromptClassifier.logits(direct, backbone, features, files.size(), 8);
        }
      }
      try (SafetensorsFile f = SafetensorsFile.open(out)) {
        assertThat(f.entry("logits").shape()).containsExactly(4, 3);
        assertThat(f.entry("text_features").shape()).containsExactly(3, 64);
        assertThat(f.metadata()).containsEntry("learner", learner);
        float[] logits = f.readFloats("logits");
        for (int i = 0; i < expected.length; i++) {
          assertThat(logits[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4f));
        }
      }
    }
  }

  @Test
  void predictsWithADeepPromptLearnersStateThroughThePixels() throws Exception {
    Path checkpoint = dir.resolve("ckpt");
    RandomCheckpoints.write(checkpoint, RandomCheckpoints.preset("tiny"), CheckpointLayout.named("huggingface"), StorageType.F16, 3);
    Path images = dir.resolve("images");
    List<Path> files = SampleImages.write(images, 3, 40, 30, 5);
    List<String> classes = List.of("red circle", "blue square");
    Path state = dir.resolve("maple.safetensors");
    float[] expected;
    try (ClipBackbone backbone = ClipBackbone.load(checkpoint)) {
      LearnerRegistry registry = LearnerRegistry.discover();
      PromptLearnerFactory factory = registry.factory("maple");
      Record settings = LayeredConfig.builder(CoreSettings.schema(registry)).override("learner.maple.prompt_depth=2")
          .build().bind(CoreSettings.learnerSection(factory));
      try (PromptLearner trained = factory.create(new LearnerContext(backbone, List.of("base a", "base b"), settings,
          LearnerContext.DEFAULT_TEMPLATE, 9))) {
        SplittableRandom random = new SplittableRandom(6);
        Map<String, FloatTensor> values = new java.util.LinkedHashMap<>();
        trained.stateTensors().forEach((name, a) -> {
          float[] v = new float[Math.toIntExact(a.getShape().size())];
          for (int i = 0; i < v.length; i++) {
            v[i] = (float) (0.1 * random.nextGaussian());
          }
          values.put(name, new FloatTensor(a.getShape().getShape(), v));
        });
        trained.loadState(values);
        LearnerStateFile.of("maple", trained, Map.of("learner.maple.prompt_depth", "2"), backbone.identity()).write(state);
        trained.setClassNames(classes);
        float[] features = new FeatureEncoder(backbone, 8).encodeImages(files, n -> { });
        expected = PromptClassifier.logits(trained, backbone, files, features, 8);
      }
    }
    Path out = dir.resolve("maple-out.safetensors");
    StringWriter err = new StringWriter();
    assertThat(run(err, "predict", "--backbone", checkpoint.toString(), "--learner-state", state.toString(),
        "--classes", String.join(",", classes), "--images", images.toString(), "--out", out.toString()))
        .as(err.toString()).isZero();
    try (SafetensorsFile f = SafetensorsFile.open(out)) {
      assertThat(f.entry("logits").shape()).containsExactly(3, 2);
      assertThat(f.entries()).doesNotContainKey("text_features"); // only text-side learners have class text features alone
      float[] logits = f.readFloats("logits");
      for (int i = 0; i < expected.length; i++) {
        assertThat(logits[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4f));
      }
    }
  }

  @Test
  void aStateWithWrongTensorsIsNamed() throws Exception {
    Path checkpoint = dir.resolve("ckpt");
    RandomCheckpoints.write(checkpoint, RandomCheckpoints.preset("tiny"), CheckpointLayout.named("huggingface"), StorageType.F16, 3);
    SampleImages.write(dir.resolve("images"), 1, 40, 30, 2);
    Path state = dir.resolve("bad.safetensors");
    new LearnerStateFile("coop", Map.of("learner.coop.n_ctx", "4"), "", List.of(),
        Map.of("ctx", new FloatTensor(new long[] {2, 64}, new float[128]))).write(state);
    StringWriter err = new StringWriter();
    assertThat(run(err, "predict", "--backbone", checkpoint.toString(), "--learner-state", state.toString(),
        "--classes", "a,b", "--images", dir.resolve("images").toString(), "--out", dir.resolve("o.safetensors").toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("ctx").contains("[2, 64]");
  }

  @Test
  void aStateWithANanAndAWronglyShapedStateNameTheFile() throws Exception {
    Path checkpoint = dir.resolve("ckpt");
    RandomCheckpoints.write(checkpoint, RandomCheckpoints.preset("tiny"), CheckpointLayout.named("huggingface"), StorageType.F16, 3);
    SampleImages.write(dir.resolve("images"), 1, 40, 30, 2);
    float[] ctx = new float[4 * 64];
    ctx[70] = Float.NaN;
    Path nan = dir.resolve("nan.safetensors");
    new LearnerStateFile("coop", Map.of("learner.coop.n_ctx", "4"), "", List.of(),
        Map.of("ctx", new FloatTensor(new long[] {4, 64}, ctx))).write(nan);
    StringWriter err = new StringWriter();
    Path out = dir.resolve("o.safetensors");
    assertThat(run(err, "predict", "--backbone", checkpoint.toString(), "--learner-state", nan.toString(),
        "--classes", "a,b", "--images", dir.resolve("images").toString(), "--out", out.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("predict: error: " + nan + ": tensor 'ctx' holds 1 non-finite value (the first,"
        + " NaN, at index 70 of 256); a poisoned state is never loaded");
    assertThat(out).doesNotExist();

    Path wrong = dir.resolve("wrong.safetensors");
    new LearnerStateFile("coop", Map.of("learner.coop.n_ctx", "4"), "", List.of(),
        Map.of("ctx", new FloatTensor(new long[] {2, 64}, new float[128]))).write(wrong);
    err = new StringWriter();
    assertThat(run(err, "predict", "--backbone", checkpoint.toString(), "--learner-state", wrong.toString(),
        "--classes", "a,b", "--images", dir.resolve("images").toString(), "--out", out.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("predict: error: " + wrong + ": ").contains("[2, 64]");
    System.out.println("predict errors as a user sees them:\n" + err);
  }

  @Test
  void nonFiniteFeaturesOrLogitsNameTheImage() {
    List<Path> images = List.of(Path.of("/d/a.png"), Path.of("/d/b.png"));
    PredictCommand.requireFinite(new float[] {1, 2, 3, 4}, 2, images, "logits");
    assertThatThrownBy(() -> PredictCommand.requireFinite(new float[] {1, 2, Float.NaN, 4}, 2, images, "logits"))
        .hasMessage("/d/b.png: the logits of this image (row 1) is NaN at index 0; nothing was written (an argmax over"
            + " NaN would pick class 0)");
  }
}
