package org.ckcoop.core.train;

/**
 * Labelled training examples as image features. The trainer asks for the features of example
 * {@code i} in epoch {@code e}, so an implementation can serve precomputed features (learners whose
 * prompts do not depend on the image never run the image tower) or one of several cached augmented
 * views.
 */
public interface TrainingData {

  /** Returns the number of examples. */
  int size();

  /** Returns the width of a feature vector (the backbone's embedding width). */
  int featureWidth();

  /** Returns the label of example {@code i}. */
  int label(int i);

  /** Copies the features of example {@code i} for epoch {@code epoch} into {@code target} at {@code offset}. */
  void features(int i, int epoch, float[] target, int offset);

  /**
   * Copies the features of several examples for epoch {@code epoch} into {@code target} from
   * {@code offset}, row after row. Implementations that encode images override this to run the image
   * tower once per batch.
   */
  default void features(int[] examples, int epoch, float[] target, int offset) {
    for (int k = 0; k < examples.length; k++) {
      features(examples[k], epoch, target, offset + k * featureWidth());
    }
  }

  /**
   * Returns true when the examples are images this data can also hand out as pixels (needed by
   * learners that put prompts into the image tower); false for cached features only.
   */
  default boolean hasPixels() {
    return false;
  }

  /**
   * Copies the normalised pixels [3, R, R] of several examples for epoch {@code epoch} (with the
   * data's train augmentation, drawn from {@code (seed, example, epoch)}) into {@code target} from
   * {@code offset}, example after example; the image features of the same views are what
   * {@link #features(int[], int, float[], int)} returns.
   *
   * @throws UnsupportedOperationException when {@link #hasPixels()} is false
   */
  default void pixels(int[] examples, int epoch, float[] target, int offset) {
    throw new UnsupportedOperationException("these training examples are cached features, not images");
  }

  /** Returns an identity (a content hash) that checkpoints record, so a resume on other data fails. */
  String identity();

  /**
   * Returns the validation examples that come with these training examples, or null (the default) when
   * there are none. Only a {@link DirectFit} learner uses them (to choose its hyperparameters); the
   * trainer's epochs never do.
   */
  default TrainingData validation() {
    return null;
  }
}
