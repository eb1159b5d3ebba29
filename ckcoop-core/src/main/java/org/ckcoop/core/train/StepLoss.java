package org.ckcoop.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.ckcoop.backbone.ClipBackbone;
import java.util.Map;
import org.ckcoop.core.learner.LearnerBatch;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.learner.StepOutput;

/**
 * The forward half of one training step, as {@link LearnerTrainer} runs it inside its gradient
 * collector: the learner's {@link PromptLearner#forward} on a labelled training batch of cached
 * features, and the sum of its loss terms. Kept in one place so that tests can put anything (a forced
 * garbage collection, say) between this forward and the backward pass and still test exactly what the
 * trainer runs.
 *
 * @param total the loss to differentiate (0-d): the sum of the terms
 * @param logits the batch's logits [B, C]
 * @param terms the learner's loss terms by name
 */
public record StepLoss(NDArray total, NDArray logits, Map<String, NDArray> terms) {

  /**
   * Computes the step's loss; call inside a gradient collector. Every array belongs to
   * {@code manager} or to {@code imageFeatures}' manager.
   *
   * @param imageFeatures the batch's image features [B, embed]
   * @param labels the batch's labels [B] (int64)
   */
  public static StepLoss forward(
      PromptLearner learner, ClipBackbone backbone, NDManager manager, NDArray imageFeatures, NDArray labels) {
    StepOutput out = learner.forward(new LearnerBatch(manager, imageFeatures, null, labels, true));
    return new StepLoss(out.total(), out.logits(), out.losses());
  }
}
