package org.ckcoop.eval.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.ckcoop.common.InputException;
import org.ckcoop.core.train.EpochSummary;
import org.ckcoop.core.train.TrainingListener;
import org.ckcoop.eval.result.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A killed study restarted with the same command skips finished runs and resumes the unfinished one. */
class StudyResumeTest {
  @TempDir Path dir;

  /** Records what the runner did. */
  static final class Recorder implements StudyListener {
    final List<String> events = new ArrayList<>();

    @Override
    public void runStarted(PlannedRun run) {
      events.add("start " + run.describe());
    }

    @Override
    public void runSkipped(PlannedRun run, Skip reason) {
      events.add(reason.name().toLowerCase() + " " + run.describe());
    }
  }

  @Test
  void finishedRunsAreSkippedUntouchedAndTheKilledRunResumesToTheUninterruptedResult() throws Exception {
    Path experiment = BaseToNewStudyTest.experiment(dir);
    Study study = StudyFile.read(experiment, List.of());
    PlannedRun killed = study.runs().get(3); // coop seed 2
    StudyListener killer = new StudyListener() {
      @Override
      public TrainingListener training(PlannedRun run) {
        return !run.equals(killed) ? null : new TrainingListener() {
          @Override
          public void onEpochEnd(EpochSummary summary) {
            throw new IllegalStateException("killed after epoch " + (summary.epoch() + 1));
          }
        };
      }
    };
    assertThatThrownBy(() -> StudyRunner.run(study, StudyOptions.defaults(), killer))
        .hasMessage("killed after epoch 1");
    assertThat(killed.resultFile()).doesNotExist();
    assertThat(killed.folder().resolve("checkpoint.safetensors")).isRegularFile();

    // Run 0 lost its run.json too (deleted by hand); runs 1 and 2 are finished.
    Files.delete(study.runs().get(0).resultFile());
    List<byte[]> before = new ArrayList<>();
    List<FileTime> times = new ArrayList<>();
    for (PlannedRun run : study.runs().subList(1, 3)) {
      Files.setLastModifiedTime(run.resultFile(), FileTime.fromMillis(1_000_000_000L));
      before.add(Files.readAllBytes(run.resultFile()));
      times.add(Files.getLastModifiedTime(run.resultFile()));
    }

    Recorder recorder = new Recorder();
    List<RunResult> resumed = StudyRunner.run(StudyFile.read(experiment, List.of()), StudyOptions.defaults(), recorder);
    assertThat(recorder.events).containsExactly("start zsclip shapes shots2 seed1", "finished coop shapes shots2 seed1",
        "finished zsclip shapes shots2 seed2", "start coop shapes shots2 seed2");
    for (int i = 0; i < 2; i++) {
      PlannedRun run = study.runs().get(i + 1);
      assertThat(Files.readAllBytes(run.resultFile())).isEqualTo(before.get(i));
      assertThat(Files.getLastModifiedTime(run.resultFile())).isEqualTo(times.get(i));
    }
    assertThat(Files.readString(killed.folder().resolve("train.log")))
        .contains("resumed from checkpoint.safetensors after epoch 1 of 2");
    assertThat(Files.readAllLines(killed.folder().resolve("metrics.jsonl"))).hasSize(2);
    assertThat(StudyFixture.runFiles(dir.resolve("out"))).hasSize(4);

    // The same study uninterrupted, in another folder (the output is not part of a run's identity).
    Study clean = StudyFile.read(experiment, List.of("study.output=" + dir.resolve("clean")));
    List<RunResult> uninterrupted = StudyRunner.run(clean, StudyOptions.defaults(), StudyListener.NONE);
    for (int i = 0; i < 4; i++) {
      assertThat(resumed.get(i).tests()).isEqualTo(uninterrupted.get(i).tests());
      assertThat(resumed.get(i).provenance().configHash()).isEqualTo(uninterrupted.get(i).provenance().configHash());
    }
    assertThat(Files.mismatch(killed.folder().resolve("learner-state.safetensors"),
        clean.runs().get(3).folder().resolve("learner-state.safetensors"))).isEqualTo(-1L);
  }

  @Test
  void resultsOfAnotherConfigStopTheStudyBeforeAnythingIsOverwritten() throws Exception {
    Path experiment = BaseToNewStudyTest.experiment(dir);
    List<String> zsclip = List.of("study.learners=zsclip", "study.seeds=1");
    Study study = StudyFile.read(experiment, zsclip);
    StudyRunner.run(study, StudyOptions.defaults(), StudyListener.NONE);
    Path result = study.runs().get(0).resultFile();
    byte[] bytes = Files.readAllBytes(result);

    List<String> changed = new ArrayList<>(zsclip);
    changed.add("train.eval_batch_size=7");
    Study other = StudyFile.read(experiment, changed);
    assertThat(other.runs().get(0).configHash()).isNotEqualTo(study.runs().get(0).configHash());
    assertThatThrownBy(() -> StudyRunner.run(other, StudyOptions.defaults(), StudyListener.NONE))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("already hold results that are not of this study's config")
        .hasMessageContaining(study.runs().get(0).folder().toString())
        .hasMessageContaining("Nothing was overwritten");
    assertThat(Files.readAllBytes(result)).isEqualTo(bytes);

    // The same for a checkpoint left by a killed run of another config (here: coop trained 2 epochs).
    Study coop = StudyFile.read(experiment, List.of("study.learners=coop", "study.seeds=1"));
    StudyRunner.run(coop, StudyOptions.defaults(), StudyListener.NONE);
    Files.delete(coop.runs().get(0).resultFile());
    Study longer = StudyFile.read(experiment, List.of("study.learners=coop", "study.seeds=1", "train.epochs=3"));
    assertThatThrownBy(() -> StudyRunner.run(longer, StudyOptions.defaults(), StudyListener.NONE))
        .hasMessageContaining(coop.runs().get(0).folder().resolve("checkpoint.safetensors") + " (a checkpoint of config "
            + coop.runs().get(0).configHash());

    // A lock held by another process (here: this one) makes the run be skipped, not run twice.
    Files.delete(result);
    Recorder recorder = new Recorder();
    try (var lock = RunFolder.lock(study.runs().get(0).folder()).orElseThrow()) {
      assertThat(StudyRunner.run(study, StudyOptions.defaults(), recorder)).isEmpty();
    }
    assertThat(recorder.events).containsExactly("locked zsclip shapes shots2 seed1");
    assertThat(result).doesNotExist();
  }
}
