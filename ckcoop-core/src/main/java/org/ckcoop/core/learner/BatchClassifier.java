package org.ckcoop.core.learner;

import ai.djl.ndarray.NDArray;

/**
 * Classifies batches with a learner's current state, for evaluation over many batches: a learner
 * may prepare what does not depend on the images once (a text-prompt learner's class features).
 */
@FunctionalInterface
public interface BatchClassifier {
  /** Returns the logits [B, C] of the batch, on the batch's manager. */
  NDArray logits(LearnerBatch batch);
}
