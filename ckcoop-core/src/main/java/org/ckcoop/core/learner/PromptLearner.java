package org.ckcoop.core.learner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.ckcoop.backbone.checkpoint.FloatTensor;

/**
 * A prompt learner: on top of a frozen CLIP, it produces the class text features that images are
 * classified against, from a small set of trainable tensors.
 *
 * <p>The contract:
 *
 * <ul>
 *   <li>{@link #textFeatures} is differentiable with respect to {@link #trainableParameters()} and
 *       nothing else: the trainer hands exactly those arrays to the optimizer, and the backbone stays
 *       frozen.
 *   <li>Every array a call returns belongs to the manager passed in (or to the image features'
 *       manager), never to the learner's own, so a caller that closes its per-step manager keeps
 *       memory flat.
 *   <li>{@link #stateTensors()} names every tensor that defines what was learned, under the names
 *       documented by the learner; {@link #loadState} accepts exactly those.
 *   <li>{@link #setClassNames} rebuilds only the class-dependent parts (tokenised class names); the
 *       learned state carries over. This is how base-to-new and cross-dataset evaluation work.
 * </ul>
 *
 * <p>Implementations are created by a {@link PromptLearnerFactory} registered by a plugin.
 */
public interface PromptLearner extends AutoCloseable {

  /** Returns the current class names, in label order. */
  List<String> classNames();

  /**
   * Returns the text features images are compared with (projected, not normalised).
   *
   * @param manager the manager the result and its temporaries belong to (the caller's per-step one)
   * @param imageFeatures the batch's image features [B, embed] (projected, not normalised); may be
   *     null for a learner that is not {@link #imageConditional()}
   * @return [C, embed], or [B, C, embed] for an image-conditional learner
   */
  NDArray textFeatures(NDManager manager, NDArray imageFeatures);

  /** Returns true if the text features depend on the image (CoCoOp); false by default. */
  default boolean imageConditional() {
    return false;
  }

  /**
   * Returns the trainable tensors by state name; each requires a gradient. The trainer optimises
   * these and only these.
   */
  Map<String, NDArray> trainableParameters();

  /**
   * Returns every tensor of the learned state by its documented name: the trainable ones, plus frozen
   * ones a state file must carry to be self-contained (CK-CoOp's dictionary, for example).
   */
  default Map<String, NDArray> stateTensors() {
    return trainableParameters();
  }

  /**
   * Replaces the learned state with {@code tensors} (names and shapes as {@link #stateTensors()}).
   *
   * @throws org.ckcoop.backbone.InputException naming the tensor when a name is missing or unknown or a
   *     shape differs
   */
  void loadState(Map<String, FloatTensor> tensors);

  /** Switches to other class names, keeping the learned state (only class-dependent parts change). */
  void setClassNames(List<String> classNames);

  /**
   * Returns an extra loss term for this step (KgCoOp's regulariser, for example), or null for none.
   * Called inside the gradient collector after {@link #textFeatures}.
   *
   * @param manager the step's manager
   * @param textFeatures what {@link #textFeatures} returned for this step
   */
  default NDArray extraLoss(NDManager manager, NDArray textFeatures) {
    return null;
  }

  /** Returns the number of trainable scalars. */
  default long learnableParameterCount() {
    return trainableParameters().values().stream().mapToLong(a -> a.getShape().size()).sum();
  }

  /** Releases the learner's arrays. */
  @Override
  void close();
}
