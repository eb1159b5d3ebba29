package org.ckcoop.core.train;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a {@link DirectFit} did: its summary in the terms of an epoch, the numbers it chose or measured
 * (a regularisation strength, a validation accuracy), and lines for the run's log.
 *
 * @param loss the fitted objective on the training set (the learner says which, in its documentation)
 * @param accuracy the training accuracy of the fitted state, in percent
 * @param iterations the optimiser's iterations of the final fit (the history's {@code steps})
 * @param metrics named numbers of the fit (e.g. {@code c}, {@code val_accuracy}), recorded in
 *     {@code metrics.jsonl} and {@code fit.json}
 * @param log one line per event worth reading (each candidate of a search), appended to {@code train.log}
 */
public record FitReport(double loss, double accuracy, int iterations, SortedMap<String, Double> metrics,
    List<String> log) {

  /** Copies the collections. */
  public FitReport {
    metrics = new TreeMap<>(metrics);
    log = List.copyOf(log);
  }
}
