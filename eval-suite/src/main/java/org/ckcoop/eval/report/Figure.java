package org.ckcoop.eval.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One number of a report with where it came from: either a seed aggregate (the mean and standard
 * deviation of one accuracy over the seeds that were run) or a value derived from such aggregates
 * (a harmonic mean, an average over datasets).
 *
 * <p>Standard deviations are population standard deviations (ddof = 0), as {@code numpy.std} computes
 * them in CoOp's {@code parse_test_res.py}, so that a "± std" here means what it means in the field's
 * tables; {@link #sampleStd()} (ddof = 1) is kept for the summary.
 *
 * @param value the mean over seeds, or the derived value
 * @param derived whether the value is derived from other figures (then it has no spread of its own)
 * @param seeds the seeds averaged, ascending (empty for a derived value)
 * @param values each seed's value, in the order of {@code seeds}
 * @param n how many seeds contributed (for a derived value: the fewest of its parts)
 * @param expected how many seeds a complete cell has (for a derived value: the most of its parts)
 * @param runs the run files the value came from
 */
public record Figure(
    double value, boolean derived, List<Long> seeds, List<Double> values, int n, int expected, SortedSet<String> runs) {

  /** Copies the collections. */
  public Figure {
    seeds = List.copyOf(seeds);
    values = List.copyOf(values);
    runs = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(runs));
  }

  /**
   * Aggregates one accuracy over seeds.
   *
   * @param seeds the seeds, ascending, without repeats
   * @param values each seed's value
   * @param expected how many seeds a complete cell has
   * @param runs the run files
   */
  public static Figure ofSeeds(List<Long> seeds, List<Double> values, int expected, Collection<String> runs) {
    if (seeds.isEmpty() || seeds.size() != values.size()) {
      throw new IllegalArgumentException("need one value per seed, at least one");
    }
    return new Figure(mean(values), false, seeds, values, seeds.size(), expected, new TreeSet<>(runs));
  }

  /** Derives a value from other figures: n is their fewest seeds, expected their most, runs their union. */
  public static Figure derived(double value, Collection<Figure> parts) {
    int n = parts.stream().mapToInt(Figure::n).min().orElse(0);
    int expected = parts.stream().mapToInt(Figure::expected).max().orElse(0);
    SortedSet<String> runs = new TreeSet<>();
    parts.forEach(p -> runs.addAll(p.runs()));
    return new Figure(value, true, List.of(), List.of(), n, expected, runs);
  }

  /** Returns the population standard deviation over seeds (ddof = 0, numpy's default); NaN for a derived value. */
  public double std() {
    if (derived) {
      return Double.NaN;
    }
    double m = value;
    double ss = 0;
    for (double v : values) {
      ss += (v - m) * (v - m);
    }
    return Math.sqrt(ss / values.size());
  }

  /** Returns the sample standard deviation over seeds (ddof = 1); NaN with fewer than two seeds or for a derived value. */
  public double sampleStd() {
    if (derived || values.size() < 2) {
      return Double.NaN;
    }
    double m = value;
    double ss = 0;
    for (double v : values) {
      ss += (v - m) * (v - m);
    }
    return Math.sqrt(ss / (values.size() - 1));
  }

  /** Returns whether fewer seeds contributed than a complete cell has. */
  public boolean incomplete() {
    return n < expected;
  }

  /** Returns whether a spread is worth showing: a seed aggregate of at least two seeds. */
  public boolean hasSpread() {
    return !derived && n >= 2;
  }

  /** Returns the harmonic mean {@code 2ab / (a + b)} (0 when both are 0). */
  public static double harmonicMean(double a, double b) {
    return a + b == 0 ? 0 : 2 * a * b / (a + b);
  }

  /** Returns the arithmetic mean (summed in order). */
  public static double mean(List<Double> values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.size();
  }

  /** Returns the values of figures, in order. */
  static List<Double> valuesOf(List<Figure> figures) {
    List<Double> out = new ArrayList<>();
    figures.forEach(f -> out.add(f.value()));
    return out;
  }
}
