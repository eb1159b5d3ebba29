package org.ckcoop.core.learner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * One batch as a learner sees it, in training and in evaluation.
 *
 * @param manager the step's manager: every array the learner makes for this batch belongs to it
 * @param imageFeatures the frozen CLIP's image features [B, embed] (projected, not normalised): the
 *     cached features for learners that use the cache, and the frozen model's features of the same
 *     views for the others (PromptSRC's image consistency term compares with them); null in training
 *     for a pixel learner whose {@link PromptLearner#needsFrozenImageFeatures()} is false
 * @param pixels the batch's normalised pixels [B, 3, R, R] (with CoOp's train augmentation in
 *     training), present only for learners whose {@link PromptLearner#usesCachedFeatures()} is false
 * @param labels the batch's labels [B] (int64), or null when there are none (classifying)
 * @param training whether this is a training step (the loss terms are wanted and gradients flow)
 */
public record LearnerBatch(NDManager manager, NDArray imageFeatures, NDArray pixels, NDArray labels, boolean training) {

  /** Returns the number of examples. */
  public long size() {
    return imageFeatures != null ? imageFeatures.getShape().get(0) : pixels.getShape().get(0);
  }
}
