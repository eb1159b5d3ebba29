package org.ckcoop.eval.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.ckcoop.common.InputException;
import org.ckcoop.eval.result.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * linear_probe in studies: few-shot fits it on the training split and chooses C on the validation split
 * (min(shots, 4) per class), recording the choice in the run folder; protocols that test it on other
 * classes are refused before anything trains.
 */
class LinearProbeStudyTest {
  @TempDir Path dir;

  /** Adds {@code root/val/<colour>_shape/} with {@code images} images per class to the fixture's dataset. */
  static void addValidation(Path root, int classes, int images) {
    SplittableRandom random = new SplittableRandom(4);
    int[] rgb = {0xdc2828, 0x28b43c, 0x2846dc, 0xebd228};
    for (int c = 0; c < classes; c++) {
      for (int i = 0; i < images; i++) {
        StudyFixture.png(root.resolve("val").resolve(StudyFixture.COLOURS.get(c) + "_shape").resolve("val_" + i + ".png"),
            rgb[c], random);
      }
    }
  }

  @Test
  void fewShotFitsOnTheTrainingSplitAndChoosesCOnTheValidationSplit() throws Exception {
    Path experiment = BaseToNewStudyTest.experiment(dir);
    addValidation(dir.resolve("data/shapes"), 4, 3);
    Study study = StudyFile.read(experiment, List.of("study.protocol=few-shot", "study.learners=zsclip,linear_probe",
        "study.seeds=1"));
    List<RunResult> results = StudyRunner.run(study, StudyOptions.defaults(), StudyListener.NONE);
    assertThat(StudyFixture.runFiles(dir.resolve("out"))).containsExactly(
        "few-shot/linear_probe/shapes/shots2/seed1/run.json", "few-shot/zsclip/shapes/shots2/seed1/run.json");
    RunResult probe = results.get(1);
    assertThat(probe.learner()).isEqualTo("linear_probe");
    assertThat(probe.trainDataset()).isEqualTo("shapes");
    assertThat(probe.status()).isEqualTo(RunResult.FINISHED);
    assertThat(probe.tests()).extracting(RunResult.TestResult::dataset, RunResult.TestResult::subset,
        RunResult.TestResult::classes, RunResult.TestResult::examples).containsExactly(tuple("shapes", "all", 4, 12));
    assertThat(probe.provenance().resolvedConfig()).containsEntry("learner.linear_probe.c", "0")
        .containsEntry("learner.linear_probe.search_steps", "8");

    Path folder = study.runs().get(1).folder();
    JsonNode line = new ObjectMapper().readTree(Files.readAllLines(folder.resolve("metrics.jsonl")).get(0));
    double c = line.get("fit").get("c").asDouble();
    assertThat(c).isPositive();
    assertThat(folder.resolve("fit.json")).isRegularFile();
    // 2 shots: 2 validation images per class (min(shots, 4), as lpclip's val_shot_list), 8 in all
    String log = Files.readString(folder.resolve("train.log"));
    assertThat(log).contains("fitted directly (8 training examples, 8 validation examples)")
        .contains("C search (grid): C 1000000.0, validation ").contains("/8 (").contains("chosen C " + c);

    // a second call finds the run finished
    List<RunResult> again = StudyRunner.run(study, StudyOptions.defaults(), StudyListener.NONE);
    assertThat(again.get(1)).isEqualTo(probe);
  }

  @Test
  void aFewShotStudyOnAResNetBackboneRunsZeroShotCoopAndTheLinearProbe() throws Exception {
    Path experiment = BaseToNewStudyTest.experiment(dir);
    addValidation(dir.resolve("data/shapes"), 4, 3);
    Path rn = dir.resolve("clip-rn");
    org.ckcoop.backbone.checkpoint.RandomCheckpoints.write(rn, org.ckcoop.backbone.checkpoint.RandomCheckpoints.preset("tiny-rn"),
        org.ckcoop.backbone.checkpoint.CheckpointLayout.named("openai"), org.ckcoop.backbone.safetensors.StorageType.F32, 3);
    Study study = StudyFile.read(experiment, List.of("study.protocol=few-shot", "study.learners=zsclip,coop,linear_probe",
        "study.seeds=1", "backbone.checkpoint=" + rn));
    List<RunResult> results = StudyRunner.run(study, StudyOptions.defaults(), StudyListener.NONE);
    assertThat(results).extracting(RunResult::learner).containsExactly("zsclip", "coop", "linear_probe");
    assertThat(results).allSatisfy(r -> {
      assertThat(r.status()).isEqualTo(RunResult.FINISHED);
      assertThat(r.backbone().architecture()).startsWith("ResNet");
      assertThat(r.tests()).singleElement().satisfies(t -> {
        assertThat(t.examples()).isEqualTo(12);
        assertThat(t.top1()).isBetween(0.0, 100.0);
      });
    });
    assertThat(results.get(1).training().epochs()).isEqualTo(2);
    assertThat(results.get(2).training().metrics()).containsKey("c");
    assertThat(results.get(2).training().metrics().get("c")).isPositive();
  }

  @Test
  void aTargetWithASubsetOfTheTrainingClassesTestsTheFittedRowsOfThoseClasses() throws Exception {
    // as ImageNet-A and -R take 200 of ImageNet's classes: the probe selects its rows by class name
    Path experiment = BaseToNewStudyTest.experiment(dir, "datasets.subset:", "  name: image-folder", "  root: data/subset");
    addValidation(dir.resolve("data/shapes"), 4, 3);
    SplittableRandom random = new SplittableRandom(5);
    int[] rgb = {0xdc2828, 0x28b43c, 0x2846dc, 0xebd228};
    for (int c : new int[] {2, 0}) {
      for (int i = 0; i < 3; i++) {
        StudyFixture.png(dir.resolve("data/subset").resolve(StudyFixture.COLOURS.get(c) + "_shape").resolve("t" + i + ".png"),
            rgb[c], random);
      }
    }
    Study study = StudyFile.read(experiment, List.of("study.learners=linear_probe", "study.seeds=1",
        "study.protocol=domain-generalization", "study.targets=subset"));
    List<RunResult> results = StudyRunner.run(study, StudyOptions.defaults(), StudyListener.NONE);
    RunResult probe = results.get(0);
    assertThat(probe.tests()).extracting(RunResult.TestResult::dataset, RunResult.TestResult::classes,
        RunResult.TestResult::examples).containsExactly(tuple("shapes", 4, 12), tuple("subset", 2, 6));
    assertThat(probe.tests().get(1).top1()).isBetween(0.0, 100.0);
    assertThat(probe.tests().get(1).perClass()).containsOnlyKeys(
        StudyFixture.COLOURS.get(0) + "_shape", StudyFixture.COLOURS.get(2) + "_shape");
  }

  @Test
  void baseToNewAndTransferToOtherClassesAreRefusedBeforeAnythingTrains() {
    Path experiment = BaseToNewStudyTest.experiment(dir, "datasets.blobs:", "  name: image-folder", "  root: data/blobs");
    addValidation(dir.resolve("data/shapes"), 4, 3);
    StudyFixture.testOnlyFolder(dir.resolve("data/blobs"), List.of(0, 2), 2, 9);
    Study base2new = StudyFile.read(experiment, List.of("study.learners=zsclip,linear_probe", "study.seeds=1"));
    assertThatThrownBy(() -> StudyRunner.run(base2new, StudyOptions.defaults(), StudyListener.NONE))
        .isInstanceOf(InputException.class).hasMessageContaining("found before anything trained")
        .hasMessageContaining("linear_probe on shapes: learner 'linear_probe' classifies only the classes it was"
            + " trained on, and base-to-new tests it on the new classes; run it with protocol few-shot");
    Study transfer = StudyFile.read(experiment, List.of("study.learners=linear_probe", "study.seeds=1",
        "study.protocol=cross-dataset", "study.targets=blobs"));
    assertThatThrownBy(() -> StudyRunner.run(transfer, StudyOptions.defaults(), StudyListener.NONE))
        .isInstanceOf(InputException.class).hasMessageContaining("target blobs has 2 class(es) that shapes does not (e.g. 'blue_blob')");
    Study augmented = StudyFile.read(experiment, List.of("study.learners=linear_probe", "study.seeds=1",
        "study.protocol=few-shot", "features.train_views=2"));
    assertThatThrownBy(() -> StudyRunner.run(augmented, StudyOptions.defaults(), StudyListener.NONE))
        .isInstanceOf(InputException.class).hasMessageContaining("features.train_views is 2");
    assertThat(StudyFixture.runFiles(dir.resolve("out"))).isEmpty();
  }
}
