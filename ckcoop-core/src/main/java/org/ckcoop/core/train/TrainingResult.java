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
 * @param metrics a {@link DirectFit}'s named numbers ({@link FitReport#metrics()}: the chosen
 *     regularisation strength, a validation accuracy); empty for training by epochs
 */
public record TrainingResult(
    RunProvenance provenance, int epochs, List<EpochSummary> history, Path stateFile, boolean resumed,
    java.util.SortedMap<String, Double> metrics) {

  /** Copies the metrics. */
  public TrainingResult {
    metrics = new java.util.TreeMap<>(metrics == null ? java.util.Map.of() : metrics);
  }

  /** The result of training by epochs (no fit metrics). */
  public TrainingResult(RunProvenance provenance, int epochs, List<EpochSummary> history, Path stateFile,
      boolean resumed) {
    this(provenance, epochs, history, stateFile, resumed, null);
  }

  /** Returns the last epoch's mean training loss. */
  public double finalLoss() {
    return history.get(history.size() - 1).loss();
  }
}
