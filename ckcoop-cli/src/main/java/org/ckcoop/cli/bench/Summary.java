package org.ckcoop.cli.bench;

import java.util.Arrays;

/**
 * The minimum, median and maximum of some measurements (the median of an even count is the mean of
 * the two middle values, as Python's {@code statistics.median}).
 *
 * @param min the smallest value
 * @param median the median
 * @param max the largest value
 */
public record Summary(double min, double median, double max) {

  /** Summarises {@code values} (at least one, all finite). */
  public static Summary of(double... values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values to summarise");
    }
    for (double v : values) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("not a finite measurement: " + v);
      }
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return new Summary(sorted[0], median(sorted), sorted[sorted.length - 1]);
  }

  /** Returns the median of {@code values} (at least one). */
  public static double median(double... values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /**
   * Returns the paired ratios {@code numerator[i] / denominator[i]}: with anchor times over ckcoop
   * times, how many times faster ckcoop was in each repeat.
   */
  public static double[] ratios(double[] numerator, double[] denominator) {
    if (numerator.length != denominator.length || numerator.length == 0) {
      throw new IllegalArgumentException("paired ratios need two equally long, non-empty series; got "
          + numerator.length + " and " + denominator.length);
    }
    double[] out = new double[numerator.length];
    for (int i = 0; i < out.length; i++) {
      if (!(denominator[i] > 0)) {
        throw new IllegalArgumentException("a time must be positive: " + denominator[i]);
      }
      out[i] = numerator[i] / denominator[i];
    }
    return out;
  }
}
