package org.ckcoop.backbone.checkpoint;

import java.util.Arrays;

/** Per-channel mean and standard deviation applied to RGB values in [0, 1]. */
public record ImageNormalization(double[] mean, double[] std) {
  /** CLIP's own normalisation, the default when a checkpoint does not state one. */
  public static final ImageNormalization CLIP =
      new ImageNormalization(
          new double[] {0.48145466, 0.4578275, 0.40821073},
          new double[] {0.26862954, 0.26130258, 0.27577711});

  /** Checks that there are three positive standard deviations and three means. */
  public ImageNormalization {
    if (mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("mean and std need 3 values each (RGB)");
    }
    for (double s : std) {
      if (!(s > 0)) {
        throw new IllegalArgumentException("std values must be positive: " + Arrays.toString(std));
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  @Override
  public double[] mean() {
    return mean.clone();
  }

  @Override
  public double[] std() {
    return std.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageNormalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(mean) * 31 + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "mean=" + Arrays.toString(mean) + " std=" + Arrays.toString(std);
  }
}
