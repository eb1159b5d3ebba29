package org.ckcoop.eval.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.ckcoop.common.InputException;
import org.ckcoop.backbone.safetensors.SafetensorsFile;
import org.ckcoop.backbone.safetensors.SafetensorsWriter;
import org.ckcoop.backbone.safetensors.StorageType;
import org.ckcoop.backbone.safetensors.TensorEntry;
import org.ckcoop.core.train.EpochSummary;
import org.ckcoop.core.train.TrainingListener;
import org.ckcoop.eval.data.DatasetSplits;
import org.ckcoop.eval.data.Datum;
import org.ckcoop.eval.data.ZeroShotTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults a study meets before and between runs: bad images, stale temporary files, broken run files. */
class StudyRobustnessTest {
  @TempDir Path dir;

  @Test
  void everyUnreadableImageIsReportedAtOnceBeforeAnythingTrains() throws Exception {
    Path experiment = BaseToNewStudyTest.experiment(dir);
    Path garbage = dir.resolve("data/shapes/test/green_shape/test_1.png");
    Files.writeString(garbage, "this is not a PNG");
    Path truncated = dir.resolve("data/shapes/test/blue_shape/test_0.png");
    byte[] bytes = Files.readAllBytes(truncated);
    Files.write(truncated, java.util.Arrays.copyOf(bytes, 12));
    Study study = StudyFile.read(experiment, List.of());
    assertThatThrownBy(() -> StudyRunner.run(study, StudyOptions.defaults(), StudyListener.NONE))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith(experiment.toAbsolutePath() + ": 2 problem(s) in the study's datasets, found before"
            + " anything trained (nothing was written):\n  - dataset shapes (shapes): ")
        .hasMessageContaining("dataset shapes (shapes): " + truncated.toAbsolutePath() + ": its PNG header cannot be"
            + " decoded (")
        .hasMessageContaining("dataset shapes (shapes): " + garbage.toAbsolutePath() + ": not an image in a readable"
            + " format (17 bytes, no PNG, JPEG, BMP, GIF or TIFF header)");
    assertThat(study.output()).doesNotExist();
    try {
      StudyRunner.run(study, StudyOptions.defaults(), StudyListener.NONE);
    } catch (InputException e) {
      System.out.println("preflight error as a user sees it:\n" + e.getMessage());
    }
  }

  @Test
  void aTestClassWithoutImagesIsAWarningNamingIt() {
    Path root = dir.resolve("images");
    DatasetSplits d = DatasetSplits.builder("Pets").imageRoot(root).classNames(List.of("pug", "beagle", "boxer"))
        .train(List.of(Datum.of(root.resolve("a.jpg"), 0, "pug"), Datum.of(root.resolve("b.jpg"), 1, "beagle"),
            Datum.of(root.resolve("c.jpg"), 2, "boxer")))
        .test(List.of(Datum.of(root.resolve("d.jpg"), 0, "pug"))).template(ZeroShotTemplate.PHOTO).build();
    List<String> warnings = new ArrayList<>();
    StudyPreflight.warnEmptyTestClasses("pets", d, warnings);
    assertThat(warnings).containsExactly("dataset pets (Pets): classes 'beagle', 'boxer' have no test images; their"
        + " accuracy is not measured (top-1 and mean per class are over the other classes)");
  }

  @Test
  void takingARunFolderRemovesOnlyTheTemporaryFilesOfDeadProcesses() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("run"));
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    long dead = p.pid();
    assertThat(ProcessHandle.of(dead)).isEmpty();
    long live = ProcessHandle.current().pid();
    Path stale = Files.writeString(folder.resolve(".checkpoint.safetensors." + dead + "-123456.tmp"), "partial");
    Path writing = Files.writeString(folder.resolve(".checkpoint.safetensors." + live + "-" + System.nanoTime() + ".tmp"),
        "being written");
    Path pidless = Files.writeString(folder.resolve(".run.json." + UUID.randomUUID() + ".tmp"), "partial");
    Path kept = Files.writeString(folder.resolve("train.log"), "log");
    Optional<RunFolder> lock = RunFolder.lock(folder);
    assertThat(lock).isPresent();
    lock.get().close();
    assertThat(stale).doesNotExist();
    assertThat(pidless).doesNotExist();
    assertThat(writing).exists();
    assertThat(kept).exists();

    // In the feature cache (shared with other live processes) only the dead process's files go.
    Path cache = Files.createDirectories(dir.resolve("cache/ab"));
    Path deadEntry = Files.writeString(cache.resolve(".abcd.safetensors." + dead + "-1.tmp"), "x");
    Path liveEntry = Files.writeString(cache.resolve(".abcd.safetensors." + live + "-" + System.nanoTime() + ".tmp"), "x");
    Path uuidEntry = Files.writeString(cache.resolve(".abcd.safetensors." + UUID.randomUUID() + ".tmp"), "x");
    assertThat(StaleTemporaries.removeBelow(dir.resolve("cache"))).containsExactly(deadEntry);
    assertThat(liveEntry).exists();
    assertThat(uuidEntry).exists();
  }

  @Test
  void aFolderHoldingOnlyItsLockIsRemovedWhenReleased() throws Exception {
    Path folder = dir.resolve("out/base2new/coop/shapes/shots2/seed1");
    RunFolder.lock(folder).orElseThrow().close();
    assertThat(folder).doesNotExist();
    assertThat(folder.getParent()).isDirectory();
    // A folder with something in it keeps its lock file.
    RunFolder held = RunFolder.lock(folder).orElseThrow();
    Files.writeString(folder.resolve("train.log"), "started");
    held.close();
    assertThat(folder.resolve(RunFolder.LOCK)).exists();
  }

  @Test
  void aCheckpointOfTheWrongShapeIsNamedWithItsRunFolder() throws Exception {
    Path experiment = BaseToNewStudyTest.experiment(dir);
    Study study = StudyFile.read(experiment, List.of());
    PlannedRun coop = study.runs().stream().filter(r -> r.variant().learner().equals("coop")).findFirst().orElseThrow();
    StudyListener killer = new StudyListener() {
      @Override
      public TrainingListener training(PlannedRun run) {
        return new TrainingListener() {
          @Override
          public void onEpochEnd(EpochSummary summary) {
            throw new IllegalStateException("killed");
          }
        };
      }
    };
    assertThatThrownBy(() -> StudyRunner.run(study, StudyOptions.defaults(), killer)).hasMessage("killed");
    Path checkpoint = coop.folder().resolve("checkpoint.safetensors");
    SafetensorsWriter rewritten = new SafetensorsWriter();
    try (SafetensorsFile f = SafetensorsFile.open(checkpoint)) {
      rewritten.putAllMetadata(Map.copyOf(f.metadata()));
      for (TensorEntry e : f.entries().values()) {
        float[] values = f.readFloats(e.name());
        if (e.name().equals("learner.ctx")) {
          long[] shape = {e.shape()[0] * 2, e.shape()[1] / 2};
          rewritten.addFloats(e.name(), values, shape, StorageType.F32);
        } else {
          rewritten.addFloats(e.name(), values, e.shape(), StorageType.F32);
        }
      }
    }
    rewritten.write(checkpoint);
    assertThatThrownBy(() -> StudyRunner.run(study, StudyOptions.defaults(), StudyListener.NONE))
        .isInstanceOf(InputException.class)
        .hasMessageContaining(checkpoint.toString())
        .hasMessageContaining("(run " + coop.describe() + ")")
        .hasMessageContaining("ctx");
    try {
      StudyRunner.run(study, StudyOptions.defaults(), StudyListener.NONE);
    } catch (InputException e) {
      System.out.println("checkpoint error as a user sees it:\n" + e.getMessage());
    }
  }

}
