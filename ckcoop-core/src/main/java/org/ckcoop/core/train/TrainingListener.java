package org.ckcoop.core.train;

/** Receives training progress (progress bars, logs); every method does nothing by default. */
public interface TrainingListener {

  /** Called when a run resumes after {@code epochsDone} finished epochs. */
  default void onResume(int epochsDone, int epochs) {}

  /** Called before an epoch's first step. */
  default void onEpochStart(int epoch, int epochs, int steps, double learningRate) {}

  /** Called after each optimisation step with the step's loss and the epoch's running accuracy. */
  default void onStep(int epoch, int step, int steps, double loss, double runningAccuracy) {}

  /** Called after an epoch, once its checkpoint is written. */
  default void onEpochEnd(EpochSummary summary) {}
}
