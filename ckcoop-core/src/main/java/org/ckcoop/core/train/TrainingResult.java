package org.ckcoop.core.train;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of training, returned to the caller (not written by the trainer: a run's one record is
 * eval-suite's {@code run.json}): the per-epoch history, the learner state file, and the provenance.
 *
 * @param provenance what produced this result and how to repeat it
 * @param epochs the number of epochs trained in all (across resumes)
 * @param history one summary per epoch
 * @param stateFile the final learner state file
 * @param resumed whether the run continued from a checkpoint
 */
public record TrainingResult(
    RunProvenance provenance, int epochs, List<EpochSummary> history, Path stateFile, boolean resumed) {

  /** Returns the last epoch's mean training loss. */
  public double finalLoss() {
    return history.get(history.size() - 1).loss();
  }
}
