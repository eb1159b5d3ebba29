package org.ckcoop.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.ckcoop.backbone.ClipBackbone;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ckcoop.common.engine.EngineArrays;
import org.ckcoop.core.learner.GradientShaping;
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
    return forward(learner, manager, imageFeatures, null, labels);
  }

  /**
   * As {@link #forward(PromptLearner, ClipBackbone, NDManager, NDArray, NDArray)}, with the batch's
   * pixels [B, 3, R, R] for a learner that needs them (null otherwise).
   */
  public static StepLoss forward(
      PromptLearner learner, NDManager manager, NDArray imageFeatures, NDArray pixels, NDArray labels) {
    StepOutput out = learner.forward(new LearnerBatch(manager, imageFeatures, pixels, labels, true));
    return new StepLoss(out.total(), out.logits(), out.losses());
  }

  /**
   * The backward half, inside the same collector: the gradient of the summed terms, or, for a learner
   * that shapes its gradients, each term differentiated on its own and combined by the learner.
   * Returns the gradient to apply to each trainable parameter, on {@code step}; zero the accumulated
   * gradients ({@link #zero}, {@link #accumulated}) after the update.
   */
  public Map<String, NDArray> backward(GradientCollector collector, PromptLearner learner, NDManager step) {
    Map<String, NDArray> parameters = learner.trainableParameters();
    GradientShaping shaping = learner.gradientShaping();
    if (shaping == null) {
      collector.backward(total);
      return accumulated(parameters, step);
    }
    Map<String, Map<String, NDArray>> byTerm = new LinkedHashMap<>();
    int i = 0;
    for (Map.Entry<String, NDArray> term : terms.entrySet()) {
      boolean last = ++i == terms.size();
      NDArray head = term.getValue();
      try (NDArray ones = head.onesLike()) {
        // DJL's collector always frees the graph; PyTorch's own backward keeps it for the next term
        JniUtils.backward((PtNDArray) head, (PtNDArray) ones, !last, false);
      }
      Map<String, NDArray> current = accumulated(parameters, step);
      Map<String, NDArray> copies = new LinkedHashMap<>();
      current.forEach((name, g) -> copies.put(name, g.duplicate()));
      zero(current);
      byTerm.put(term.getKey(), copies);
    }
    return shaping.combine(step, byTerm);
  }

  /**
   * Returns each parameter's accumulated gradient (a handle on {@code step}, closed with it; zeros for
   * a parameter the loss does not reach). The handles alias the gradients autograd accumulates into,
   * so zeroing them in place resets the accumulation. (Never with {@code NDArray.set}: for a CPU array
   * DJL points the tensor at a Java buffer owned by the handle.)
   */
  public static Map<String, NDArray> accumulated(Map<String, NDArray> parameters, NDManager step) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> p : parameters.entrySet()) {
      NDArray g = p.getValue().hasGradient() ? p.getValue().getGradient() : step.zeros(p.getValue().getShape());
      g.attach(step);
      out.put(p.getKey(), g);
    }
    return out;
  }

  /** Zeroes gradients in place (multiplying by an engine-owned 0-d zero). */
  public static void zero(Map<String, NDArray> gradients) {
    for (NDArray g : gradients.values()) {
      try (NDArray zero = EngineArrays.scalar(g.getManager(), 0f)) {
        g.muli(zero);
      }
    }
  }
}
