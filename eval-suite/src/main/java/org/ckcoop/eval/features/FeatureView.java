package org.ckcoop.eval.features;

/**
 * How image files become the features of one cache entry: CLIP's test preprocessing (resize, center
 * crop, normalise), or view number {@code index} of CoOp's training augmentation (random resized crop
 * and horizontal flip) drawn from {@code seed}. Each image of an augmented view gets its own generator,
 * seeded from {@code seed}, the image's content hash and {@code index} (see
 * {@link FeatureStore}), so a view of an image is the same in whatever list it appears.
 *
 * @param augmented whether this is an augmented training view
 * @param seed the augmentation seed (0 for the test view)
 * @param index the view number, from 0 (0 for the test view)
 */
public record FeatureView(boolean augmented, long seed, int index) {
  /** CLIP's test preprocessing. */
  public static final FeatureView TEST = new FeatureView(false, 0, 0);

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException for a negative index, or a test view with a seed or index
   */
  public FeatureView {
    if (index < 0) {
      throw new IllegalArgumentException("view index must be >= 0, got " + index);
    }
    if (!augmented && (seed != 0 || index != 0)) {
      throw new IllegalArgumentException("the test view has no seed or index");
    }
  }

  /** Returns augmented view {@code index} drawn from {@code seed}. */
  public static FeatureView augmented(long seed, int index) {
    return new FeatureView(true, seed, index);
  }

  @Override
  public String toString() {
    return augmented ? "augmented view " + index + " (seed " + seed + ")" : "test preprocessing";
  }
}
