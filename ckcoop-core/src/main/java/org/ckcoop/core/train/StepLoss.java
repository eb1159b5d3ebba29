package org.ckcoop.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.core.classify.PromptClassifier;
import org.ckcoop.core.learner.PromptLearner;

/**
 * The forward half of one training step, as {@link LearnerTrainer} runs it inside its gradient
 * collector: the learner's text features, CLIP's logits, cross-entropy, plus the learner's own term.
 * Kept in one place so that tests can put anything (a forced garbage collection, say) between this
 * forward and the backward pass and still test exactly what the trainer runs.
 *
 * @param total the loss to differentiate (0-d)
 * @param logits the batch's logits [B, C]
 */
public record StepLoss(NDArray total, NDArray logits) {

  /**
   * Computes the step's loss; call inside a gradient collector. Every array belongs to
   * {@code manager} or to {@code imageFeatures}' manager.
   *
   * @param imageFeatures the batch's image features [B, embed]
   * @param labels the batch's labels [B] (int64)
   */
  public static StepLoss forward(
      PromptLearner learner, ClipBackbone backbone, NDManager manager, NDArray imageFeatures, NDArray labels) {
    NDArray text = learner.textFeatures(manager, imageFeatures);
    NDArray logits = PromptClassifier.logits(imageFeatures, text, backbone.logitScale());
    NDArray total = PromptClassifier.crossEntropy(logits, labels);
    NDArray extra = learner.extraLoss(manager, text);
    if (extra != null) {
      total = total.add(extra);
    }
    return new StepLoss(total, logits);
  }
}
