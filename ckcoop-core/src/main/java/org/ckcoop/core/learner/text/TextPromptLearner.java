package org.ckcoop.core.learner.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.core.classify.PromptClassifier;
import org.ckcoop.core.learner.BatchClassifier;
import org.ckcoop.core.learner.LearnerBatch;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.learner.StateTensors;
import org.ckcoop.core.learner.StepOutput;
import org.ckcoop.core.learner.TrainableArrays;

/**
 * The base of learners that act on the text side only (CoOp, CoCoOp, KgCoOp, CK-CoOp, zero-shot CLIP):
 * they produce class text features, and this class turns them into the {@link PromptLearner} contract
 * with CLIP's classifier ({@code exp(logit_scale) * cos(image, text)}), cross-entropy as the term
 * {@value #CROSS_ENTROPY}, and the learner's own term when it has one. Batches come from the feature
 * cache. It also loads a state by name after checking names and shapes ({@link #loadState}).
 */
public abstract class TextPromptLearner implements PromptLearner {
  /** The name of the cross-entropy term. */
  public static final String CROSS_ENTROPY = "cross_entropy";

  /** The learner's name, for messages ({@code learner.<name>.*}, "coop learner state: ..."). */
  private final String name;
  /** The backbone's stored log-temperature. */
  private final float logitScale;

  /**
   * @param name the learner's name, for messages
   * @param logitScale the backbone's stored log-temperature
   */
  protected TextPromptLearner(String name, float logitScale) {
    this.name = name;
    this.logitScale = logitScale;
  }

  /** Returns the learner's name. */
  public String name() {
    return name;
  }

  /**
   * Returns the text features images are compared with (projected, not normalised).
   *
   * @param manager the manager the result and its temporaries belong to (the caller's per-step one)
   * @param imageFeatures the batch's image features [B, embed]; may be null for a learner that is not
   *     {@link #imageConditional()}
   * @return [C, embed], or [B, C, embed] for an image-conditional learner
   */
  public abstract NDArray textFeatures(NDManager manager, NDArray imageFeatures);

  /** Returns true if the text features depend on the image (CoCoOp); false by default. */
  public boolean imageConditional() {
    return false;
  }

  /**
   * Returns the learner's own loss term for this step (KgCoOp's regulariser, for example), or null for
   * none; named {@link #extraLossName()}. Called inside the gradient collector after
   * {@link #textFeatures}.
   *
   * @param manager the step's manager
   * @param textFeatures what {@link #textFeatures} returned for this step
   */
  public NDArray extraLoss(NDManager manager, NDArray textFeatures) {
    return null;
  }

  /** Returns the name of the learner's own loss term ({@code "regulariser"} unless overridden). */
  public String extraLossName() {
    return "regulariser";
  }

  @Override
  public StepOutput forward(LearnerBatch batch) {
    NDArray text = textFeatures(batch.manager(), batch.imageFeatures());
    NDArray logits = PromptClassifier.logits(batch.imageFeatures(), text, logitScale);
    Map<String, NDArray> losses = new LinkedHashMap<>();
    if (batch.training() && batch.labels() != null) {
      losses.put(CROSS_ENTROPY, PromptClassifier.crossEntropy(logits, batch.labels()));
      NDArray extra = extraLoss(batch.manager(), text);
      if (extra != null) {
        losses.put(extraLossName(), extra);
      }
    }
    return new StepOutput(logits, losses);
  }

  /** Encodes the class features once when they do not depend on the image. */
  @Override
  public BatchClassifier classifier(NDManager manager) {
    if (imageConditional()) {
      return batch -> PromptClassifier.logits(batch.imageFeatures(),
          textFeatures(batch.manager(), batch.imageFeatures()), logitScale);
    }
    NDArray shared = textFeatures(manager, null);
    return batch -> PromptClassifier.logits(batch.imageFeatures(),
        shared.get(batch.manager(), new ai.djl.ndarray.index.NDIndex("...")), logitScale);
  }

  /**
   * Checks {@code tensors} against {@link #stateTensors()} (names and shapes, {@code hint} explaining a
   * shape) and copies each into its array; subclasses with derived state override and call this first.
   */
  protected void loadState(Map<String, FloatTensor> tensors, String hint) {
    Map<String, NDArray> state = stateTensors();
    StateTensors.requireMatching(name, tensors, state, hint);
    state.forEach((k, array) -> TrainableArrays.overwrite(array, tensors.get(k).data()));
  }
}
