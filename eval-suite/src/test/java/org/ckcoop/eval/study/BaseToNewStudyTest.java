package org.ckcoop.eval.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.backbone.encode.FeatureEncoder;
import org.ckcoop.core.classify.Accuracy;
import org.ckcoop.core.classify.PromptClassifier;
import org.ckcoop.core.config.LayeredConfig;
import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.learner.PromptLearnerFactory;
import org.ckcoop.core.plugin.LearnerRegistry;
import org.ckcoop.core.run.CoreSettings;
import org.ckcoop.eval.data.DatasetLocation;
import org.ckcoop.eval.data.DatasetRegistry;
import org.ckcoop.eval.data.DatasetSplits;
import org.ckcoop.eval.data.Datum;
import org.ckcoop.eval.data.Subsample;
import org.ckcoop.eval.result.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** base2new end to end on a tiny dataset with zsclip and coop (2 epochs), 2 seeds. */
class BaseToNewStudyTest {
  @TempDir Path dir;

  static Path experiment(Path dir, String... extra) {
    StudyFixture.checkpoint(dir.resolve("clip"), 7);
    StudyFixture.imageFolder(dir.resolve("data/shapes"), 4, 4, 3, 1);
    String[] base = {
      "study:",
      "  name: tiny",
      "  protocol: base2new",
      "  learners: [zsclip, coop]",
      "  datasets: [shapes]",
      "  seeds: [1, 2]",
      "  shots: [2]",
      "  output: out",
      "  cache: cache",
      "backbone:",
      "  checkpoint: clip",
      "datasets:",
      "  shapes:",
      "    name: image-folder",
      "    root: data/shapes",
      "split:",
      "  dir: splits",
      "train:",
      "  epochs: 2"};
    String[] lines = new String[base.length + extra.length];
    System.arraycopy(base, 0, lines, 0, base.length);
    System.arraycopy(extra, 0, lines, base.length, extra.length);
    return StudyFixture.write(dir.resolve("experiment.yaml"), lines);
  }

  @Test
  void writesOneResultPerRunWithSplitHashesSubsetsAndAZeroShotBaseAccuracyThatMatchesCLIP() throws Exception {
    Study study = StudyFile.read(experiment(dir), List.of());
    assertThat(study.runs()).extracting(PlannedRun::describe).containsExactly(
        "zsclip shapes shots2 seed1", "coop shapes shots2 seed1", "zsclip shapes shots2 seed2", "coop shapes shots2 seed2");
    assertThat(study.output()).isEqualTo(dir.resolve("out"));
    assertThat(study.cache()).isEqualTo(dir.resolve("cache"));

    List<RunResult> results = StudyRunner.run(study, StudyOptions.defaults(), StudyListener.NONE);

    assertThat(StudyFixture.runFiles(dir.resolve("out"))).containsExactly(
        "base2new/coop/shapes/shots2/seed1/run.json", "base2new/coop/shapes/shots2/seed2/run.json",
        "base2new/zsclip/shapes/shots2/seed1/run.json", "base2new/zsclip/shapes/shots2/seed2/run.json");
    DatasetSplits shapes = DatasetRegistry.builtIn().reader("image-folder").read(DatasetLocation.of(dir.resolve("data/shapes")));
    assertThat(results).hasSize(4);
    for (int i = 0; i < 4; i++) {
      PlannedRun run = study.runs().get(i);
      RunResult r = results.get(i);
      assertThat(RunResult.read(run.resultFile())).isEqualTo(r);
      assertThat(r.protocol()).isEqualTo("base2new");
      assertThat(r.study()).isEqualTo("tiny");
      assertThat(r.learner()).isEqualTo(run.variant().learner()).isEqualTo(r.variant());
      assertThat(r.seed()).isEqualTo(run.seed()).isEqualTo(r.provenance().seed());
      assertThat(r.shots()).isEqualTo(2);
      assertThat(r.trainDataset()).isEqualTo(r.learner().equals("coop") ? "shapes" : "");
      Path splitFile = dir.resolve("splits/shapes/shot_2-seed_" + run.seed() + ".json");
      assertThat(r.provenance().dataIdentity()).isEqualTo(sha256(Files.readAllBytes(splitFile)));
      assertThat(r.provenance().configHash()).isEqualTo(run.configHash());
      assertThat(r.provenance().resolvedConfig()).containsEntry("learner.name", r.learner())
          .containsEntry("train.seed", Long.toString(run.seed())).containsEntry("split.seed", Long.toString(run.seed()))
          .containsEntry("run.protocol", "base2new").containsEntry("run.shots", "2").containsEntry("run.dataset", "shapes")
          .containsEntry("datasets.shapes.name", "image-folder");
      assertThat(r.backbone().name()).isEqualTo("clip");
      assertThat(r.tests()).extracting(RunResult.TestResult::dataset, RunResult.TestResult::subset,
              RunResult.TestResult::classes, RunResult.TestResult::examples, RunResult.TestResult::splitIdentity)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("shapes", "base", 2, 6, shapes.sourceHash()),
              org.assertj.core.groups.Tuple.tuple("shapes", "new", 2, 6, shapes.sourceHash()));
      // Class folders sort blue, green, red, yellow: base is the first half.
      assertThat(r.tests().get(0).perClass()).containsOnlyKeys("blue_shape", "green_shape");
      assertThat(r.tests().get(1).perClass()).containsOnlyKeys("red_shape", "yellow_shape");
    }
    // The two seeds share the test set but not the training split; coop's seeds train differently.
    assertThat(results.get(0).provenance().dataIdentity()).isNotEqualTo(results.get(2).provenance().dataIdentity());
    // zsclip does not depend on the seed.
    assertThat(results.get(0).tests()).isEqualTo(results.get(2).tests());

    // Training artefacts live in the run folder.
    Path coop = study.runs().get(1).folder();
    assertThat(coop).isEqualTo(dir.resolve("out/base2new/coop/shapes/shots2/seed1"));
    for (String file : List.of("checkpoint.safetensors", "learner-state.safetensors", "train.log", "metrics.jsonl",
        "resolved-config.properties", "run.json")) {
      assertThat(coop.resolve(file)).isRegularFile();
    }
    // One record per run: run.json; its split identity is the one the checkpoint's run was planned on.
    assertThat(coop.resolve("result.json")).doesNotExist();
    RunResult coopResult = RunResult.read(coop.resolve("run.json"));
    assertThat(coopResult.provenance().dataIdentity()).isEqualTo(results.get(1).provenance().dataIdentity());
    assertThat(coopResult.training().epochs()).isEqualTo(2);
    assertThat(coopResult.training().stateFile()).isEqualTo("learner-state.safetensors");
    assertThat(coopResult.training().trainingExamplesIdentity()).hasSize(64)
        .isNotEqualTo(coopResult.provenance().dataIdentity());
    assertThat(results.get(0).training()).as("zsclip does not train").isNull();
    assertThat(Files.readAllLines(coop.resolve("metrics.jsonl"))).hasSize(2);
    assertThat(study.runs().get(0).folder().resolve("resolved-config.properties")).isRegularFile();

    // zsclip's base accuracy is CLIP's zero-shot accuracy on the base classes, computed directly.
    DatasetSplits base = Subsample.BASE.apply(shapes);
    try (ClipBackbone backbone = ClipBackbone.load(dir.resolve("clip"))) {
      float[] features = new FeatureEncoder(backbone, 5).encodeImages(base.test().stream().map(Datum::image).toList(),
          n -> { });
      LearnerRegistry registry = LearnerRegistry.discover();
      PromptLearnerFactory factory = registry.factory("zsclip");
      Record settings = LayeredConfig.builder(CoreSettings.schema(registry)).build()
          .bind(CoreSettings.learnerSection(factory));
      try (PromptLearner zsclip = factory.create(new LearnerContext(backbone, base.classNames(), settings,
          "a photo of a {}.", 0))) {
        float[] logits = PromptClassifier.logits(zsclip, backbone, features, base.test().size(), 100);
        Accuracy direct = Accuracy.of(logits, base.test().stream().mapToInt(Datum::label).toArray(), 2);
        assertThat(results.get(0).tests().get(0).top1()).isEqualTo(direct.top1());
        assertThat(results.get(0).tests().get(0).meanPerClass()).isEqualTo(direct.meanPerClass());
        assertThat(results.get(0).tests().get(0).perClass())
            .isEqualTo(Map.of("blue_shape", direct.perClass()[0], "green_shape", direct.perClass()[1]));
      }
    }
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
