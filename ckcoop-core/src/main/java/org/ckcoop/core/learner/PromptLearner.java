package org.ckcoop.core.learner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.ckcoop.backbone.checkpoint.FloatTensor;

/**
 * A prompt learner: on top of a frozen CLIP, it classifies images against class names with a small set
 * of trainable tensors, and says what to minimise.
 *
 * <p>The contract:
 *
 * <ul>
 *   <li>{@link #forward} returns a batch's logits and, in training, its named loss terms; it is
 *       differentiable with respect to {@link #trainableParameters()} and nothing else (the trainer
 *       hands exactly those arrays to the optimiser; the backbone stays frozen). The one trainer sums
 *       the terms and owns seeds, epochs, checkpoints, resume, divergence and provenance.
 *   <li>{@link #usesCachedFeatures()}: a learner that only acts on the text side classifies from the
 *       frozen image features, so batches bring cached features (the fast path); one that puts
 *       prompts into the image tower gets the pixels too.
 *   <li>Every array a call returns belongs to the batch's manager (or the one passed in), never to
 *       the learner's own, so a caller that closes its per-step manager keeps memory flat.
 *   <li>{@link #stateTensors()} names every tensor that defines what was learned, under the names
 *       documented by the learner; {@link #loadState} accepts exactly those.
 *   <li>{@link #setClassNames} rebuilds only the class-dependent parts; the learned state carries
 *       over. This is how base-to-new and cross-dataset evaluation work.
 * </ul>
 *
 * <p>Learners that put prompts on the text side only extend {@link org.ckcoop.core.learner.text.TextPromptLearner}, which turns
 * their text features into this contract. Implementations are created by a
 * {@link PromptLearnerFactory} registered by a plugin.
 */
public interface PromptLearner extends AutoCloseable {

  /** Returns the current class names, in label order. */
  List<String> classNames();

  /** Switches to other class names, keeping the learned state (only class-dependent parts change). */
  void setClassNames(List<String> classNames);

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
   * @throws org.ckcoop.common.InputException naming the tensor when a name is missing or unknown or a
   *     shape differs
   */
  void loadState(Map<String, FloatTensor> tensors);

  /**
   * Returns true when the learner classifies from the frozen image features alone, so that batches
   * may come from the feature cache; false when it needs the pixels (deep vision prompts).
   */
  default boolean usesCachedFeatures() {
    return true;
  }

  /**
   * For a learner that trains from pixels ({@link #usesCachedFeatures()} false): whether its training
   * batches also need the frozen model's features of the same views in
   * {@link LearnerBatch#imageFeatures()} (PromptSRC's image consistency term compares with them). False
   * saves one frozen image-tower forward per training step (MaPLe, IVLP: 140 of a ViT-B/16 step's 512
   * GFLOP); their training batches then carry {@code imageFeatures} null. Not consulted for learners
   * that use cached features, nor in evaluation.
   */
  default boolean needsFrozenImageFeatures() {
    return true;
  }

  /**
   * Computes the batch's logits and, when the batch is a labelled training batch, the loss terms to
   * minimise (by name, in the order they are summed). Called inside the trainer's gradient collector
   * in training.
   */
  StepOutput forward(LearnerBatch batch);

  /**
   * Returns a classifier for many batches with the current state (evaluation); by default each batch
   * goes through {@link #forward}. The classifier is valid until the state or the class names change.
   *
   * @param manager where anything prepared once lives (the caller closes it after the last batch)
   */
  default BatchClassifier classifier(NDManager manager) {
    return batch -> forward(batch).logits();
  }

  /**
   * Called by the trainer after the last step of each epoch, before the epoch's checkpoint is written
   * (outside a gradient collector): PromptSRC's Gaussian prompt aggregation accumulates its state here
   * and swaps it in after the last epoch. Whatever it keeps must be in {@link #stateTensors()} so
   * that a resumed run continues exactly.
   *
   * @param epoch the epoch just finished (0-based)
   * @param epochs the number of epochs of the run
   */
  default void onEpochEnd(int epoch, int epochs) {}

  /**
   * Returns false for a learner that can classify only the classes it was trained on (a linear probe:
   * one weight row per training class), so that a study refuses, before anything trains, a protocol
   * that evaluates it on other classes (base-to-new's new classes, another dataset's). True (the
   * default) for prompt learners, whose classifier is built from any class names.
   */
  default boolean transfersToOtherClasses() {
    return true;
  }

  /** Returns how this learner combines its loss terms' gradients, or null to minimise their sum. */
  default GradientShaping gradientShaping() {
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
