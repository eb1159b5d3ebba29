package org.ckcoop.eval.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.util.List;
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
import org.ckcoop.eval.result.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cross-dataset, domain-generalization and few-shot: the other protocols' test sets. */
class TransferStudyTest {
  @TempDir Path dir;

  @Test
  void crossDatasetTestsOnTheSourceAndOnEachTargetWithItsOwnClassesAndTemplate() throws Exception {
    Path experiment = BaseToNewStudyTest.experiment(dir, "datasets.blobs:", "  name: image-folder", "  root: data/blobs",
        "  template: a drawing of a {}.");
    StudyFixture.testOnlyFolder(dir.resolve("data/blobs"), List.of(0, 2, 4), 2, 9);
    Study study = StudyFile.read(experiment, List.of("study.protocol=cross-dataset", "study.targets=blobs",
        "study.seeds=1", "train.epochs=1"));
    List<RunResult> results = StudyRunner.run(study, StudyOptions.defaults(), StudyListener.NONE);
    assertThat(StudyFixture.runFiles(dir.resolve("out"))).containsExactly(
        "cross-dataset/coop/shapes/shots2/seed1/run.json", "cross-dataset/zsclip/shapes/shots2/seed1/run.json");
    DatasetSplits blobs = DatasetRegistry.builtIn().reader("image-folder").read(DatasetLocation.of(dir.resolve("data/blobs")));
    for (RunResult r : results) {
      assertThat(r.protocol()).isEqualTo("cross-dataset");
      assertThat(r.tests()).extracting(RunResult.TestResult::dataset, RunResult.TestResult::subset,
              RunResult.TestResult::classes, RunResult.TestResult::examples)
          .containsExactly(tuple("shapes", "all", 4, 12), tuple("blobs", "all", 3, 6));
      assertThat(r.tests().get(1).splitIdentity()).isEqualTo(blobs.sourceHash());
      assertThat(r.tests().get(1).perClass()).containsOnlyKeys("blue_blob", "purple_blob", "red_blob");
      assertThat(r.provenance().resolvedConfig()).containsEntry("run.targets", "[blobs]")
          .containsEntry("datasets.blobs.template", "a drawing of a {}.");
    }
    // zsclip on the target is CLIP's zero-shot accuracy with the target's classes and template.
    try (ClipBackbone backbone = ClipBackbone.load(dir.resolve("clip"))) {
      float[] features = new FeatureEncoder(backbone, 32).encodeImages(blobs.test().stream().map(Datum::image).toList(),
          n -> { });
      LearnerRegistry registry = LearnerRegistry.discover();
      PromptLearnerFactory factory = registry.factory("zsclip");
      Record settings = LayeredConfig.builder(CoreSettings.schema(registry)).build()
          .bind(CoreSettings.learnerSection(factory));
      try (PromptLearner zsclip = factory.create(new LearnerContext(backbone, blobs.classNames(), settings,
          "a drawing of a {}.", 0))) {
        float[] logits = PromptClassifier.logits(zsclip, backbone, features, blobs.test().size(), 100);
        Accuracy direct = Accuracy.of(logits, blobs.test().stream().mapToInt(Datum::label).toArray(), 3);
        assertThat(results.get(0).learner()).isEqualTo("zsclip");
        assertThat(results.get(0).tests().get(1).top1()).isEqualTo(direct.top1());
        assertThat(results.get(0).tests().get(1).meanPerClass()).isEqualTo(direct.meanPerClass());
      }
    }

    // Domain generalization runs the same way, in its own folder; few-shot tests on the source alone.
    Study dg = StudyFile.read(experiment, List.of("study.protocol=domain-generalization", "study.targets=blobs",
        "study.seeds=1", "study.learners=zsclip"));
    List<RunResult> shifted = StudyRunner.run(dg, StudyOptions.defaults(), StudyListener.NONE);
    assertThat(shifted).singleElement().satisfies(r -> {
      assertThat(r.protocol()).isEqualTo("domain-generalization");
      assertThat(r.tests()).isEqualTo(results.get(0).tests());
    });
    Study fewShot = StudyFile.read(experiment, List.of("study.protocol=few-shot", "study.seeds=1",
        "study.learners=zsclip", "study.shots=1,2"));
    List<RunResult> shots = StudyRunner.run(fewShot, StudyOptions.defaults(), StudyListener.NONE);
    assertThat(shots).extracting(RunResult::shots).containsExactly(1, 2);
    assertThat(shots).allSatisfy(r -> assertThat(r.tests()).containsExactly(results.get(0).tests().get(0)));
    assertThat(StudyFixture.runFiles(dir.resolve("out"))).contains("few-shot/zsclip/shapes/shots1/seed1/run.json",
        "domain-generalization/zsclip/shapes/shots2/seed1/run.json");
  }

  @Test
  void aSweepOfTwoPointsWritesTwoVariantsWithDistinctLabelsAndConfigHashes() throws Exception {
    Path experiment = BaseToNewStudyTest.experiment(dir);
    Path grid = StudyFixture.write(dir.resolve("grid.yaml"), "train.eval_batch_size: [5, 100]");
    Study sweep = StudyFile.read(experiment, List.of("study.learners=zsclip", "study.seeds=1"), SweepGrid.read(grid));
    List<RunResult> results = StudyRunner.run(sweep, StudyOptions.defaults(), StudyListener.NONE);
    assertThat(results).extracting(RunResult::variant)
        .containsExactly("zsclip[train.eval_batch_size=5]", "zsclip[train.eval_batch_size=100]");
    assertThat(results).extracting(RunResult::overrides)
        .containsExactly(new java.util.TreeMap<>(java.util.Map.of("train.eval_batch_size", "5")),
            new java.util.TreeMap<>(java.util.Map.of("train.eval_batch_size", "100")));
    assertThat(results.get(0).provenance().configHash()).isNotEqualTo(results.get(1).provenance().configHash());
    assertThat(StudyFixture.runFiles(dir.resolve("out"))).containsExactly(
        "base2new/zsclip__train.eval_batch_size=100/shapes/shots2/seed1/run.json",
        "base2new/zsclip__train.eval_batch_size=5/shapes/shots2/seed1/run.json");
    for (int t = 0; t < 2; t++) {
      assertThat(results.get(0).tests().get(t).top1()).isEqualTo(results.get(1).tests().get(t).top1());
    }
  }
}
