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

  /** Returns an identity (a content hash) that checkpoints record, so a resume on other data fails. */
  String identity();
}
