package org.ckcoop.core.learner;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a learner computes for a batch: the logits, and in training its named loss terms (0-d each,
 * e.g. {@code cross_entropy}, {@code kg}); the trainer minimises their sum (in this order) unless the
 * learner shapes the terms' gradients itself. Logs and metrics report every term by name.
 *
 * @param logits [B, C]
 * @param losses the loss terms by name, in the order they are summed (empty when classifying)
 */
public record StepOutput(NDArray logits, Map<String, NDArray> losses) {
  /** Keeps the terms' order. */
  public StepOutput {
    losses = Collections.unmodifiableMap(new LinkedHashMap<>(losses));
  }

  /** Returns the sum of the loss terms in order (the first term itself when there is one). */
  public NDArray total() {
    NDArray total = null;
    for (NDArray term : losses.values()) {
      total = total == null ? term : total.add(term);
    }
    if (total == null) {
      throw new IllegalStateException("no loss terms: was the batch labelled and in training mode?");
    }
    return total;
  }
}
