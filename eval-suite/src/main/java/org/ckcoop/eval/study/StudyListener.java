package org.ckcoop.eval.study;

import java.util.List;
import java.util.function.IntConsumer;
import org.ckcoop.core.train.TrainingListener;
import org.ckcoop.eval.result.RunResult;

/**
 * Receives a study's progress (progress bars, logs, a caller's own bookkeeping). Every method does
 * nothing by default. Called on the thread that runs the study; an exception thrown here stops the
 * study (the run in progress keeps its last checkpoint and is resumed by the next start).
 */
public interface StudyListener {
  /** A listener that does nothing. */
  StudyListener NONE = new StudyListener() {};

  /** Called once, with the runs of this shard in order. */
  default void studyStarted(Study study, List<PlannedRun> runs) {}

  /** Called when a run starts (after its folder is locked). */
  default void runStarted(PlannedRun run) {}

  /**
   * Returns the receiver of feature encoding progress (images done) for {@code images} images of
   * {@code what}, or null; called only when features are encoded rather than read from the cache.
   */
  default IntConsumer encoding(PlannedRun run, String what, int images) {
    return null;
  }

  /** Returns the receiver of the run's training progress, or null. */
  default TrainingListener training(PlannedRun run) {
    return null;
  }

  /**
   * Called when a run is not run: it is {@linkplain Skip#FINISHED finished}, {@linkplain Skip#LOCKED
   * locked} or recorded as {@linkplain Skip#DIVERGED diverged}.
   */
  default void runSkipped(PlannedRun run, Skip reason) {}

  /** Called when a run has finished and its {@code run.json} is written. */
  default void runFinished(PlannedRun run, RunResult result) {}

  /**
   * Called when a run's training diverged and its {@code run.json} (status {@code diverged}) is
   * written; the study goes on with the next run.
   */
  default void runDiverged(PlannedRun run, RunResult result) {}

  /** Called when a run recorded as diverged is run again: its files were moved to {@code aside}. */
  default void runRetried(PlannedRun run, java.nio.file.Path aside) {}

  /** Called with a warning that does not stop the study (e.g. a test class without images). */
  default void warning(String message) {}

  /** Called once when every run of the shard has been handled. */
  default void studyFinished(Study study, List<RunResult> results) {}

  /** Why a run was skipped. */
  enum Skip {
    /** Its folder holds a valid {@code run.json} of the same config, backbone and split. */
    FINISHED,
    /** Another process holds its folder's lock (it is running it now). */
    LOCKED,
    /** Its {@code run.json} records that training diverged (run again with {@code retryDiverged}). */
    DIVERGED
  }
}
