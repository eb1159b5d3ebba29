package org.ckcoop.world.pretrain;

import java.nio.file.Path;

/** Receives a pretraining run's progress (for a console, a log, or a test). All methods are optional. */
public interface PretrainListener {

  /**
   * Called once before the first step.
   *
   * @param summary one line: model, parameters, corpus
   * @param firstStep the first step to run (0, or where a resumed run continues)
   * @param steps the total number of steps
   */
  default void onStart(String summary, int firstStep, int steps) {}

  /** Called after every step with its 0-based index and loss. */
  default void onStep(int step, float loss) {}

  /** Called every log interval with the interval's averages and the estimated time left. */
  default void onLog(PretrainLogRow row, double secondsLeft) {}

  /** Called after the resume state was written at {@code stepsDone} steps. */
  default void onStateSaved(int stepsDone, Path file) {}

  /** A listener that ignores everything. */
  PretrainListener NONE = new PretrainListener() {};
}
