package org.ckcoop.world.dataset;

/**
 * Numbers of images in a dataset's train, val and test parts (per class or in total).
 *
 * @param train training images
 * @param val validation images
 * @param test test images
 */
public record PartCounts(int train, int val, int test) {

  /**
   * Checks the counts.
   *
   * @throws IllegalArgumentException if a count is negative
   */
  public PartCounts {
    if (train < 0 || val < 0 || test < 0) {
      throw new IllegalArgumentException("image counts must not be negative: train " + train + ", val " + val
          + ", test " + test);
    }
  }

  /** Returns the count of one part. */
  public int of(DatasetPart part) {
    return switch (part) {
      case TRAIN -> train;
      case VAL -> val;
      case TEST -> test;
    };
  }

  /** Returns {@code train + val + test}. */
  public int total() {
    return train + val + test;
  }

  /** Returns these counts multiplied by {@code factor}. */
  public PartCounts times(int factor) {
    return new PartCounts(train * factor, val * factor, test * factor);
  }
}
