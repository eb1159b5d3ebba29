package org.ckcoop.kronecker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The factor shapes of a Kronecker product {@code K = A_1 (x) ... (x) A_P}, A_p [k_p, d_p]; K is
 * [prod k_p, prod d_p].
 *
 * <p>Balanced rule ({@link #balanced}, {@link #balancedFactors}): k and d are each split into P
 * integer factors, every factor at least 2 when P >= 2, choosing among all such splits the one
 * with (1) the smallest sum of factors, then (2) the smallest largest factor, then (3) the
 * lexicographically smallest factor list in non-increasing order; both lists are sorted in
 * non-increasing order and paired position by position: A_p is [k-factor p, d-factor p]. Examples:
 * k = 256, P = 3: 8, 8, 4; d = 512: 8, 8, 8; so the shapes are 8x8, 8x8, 4x8 with 64 + 64 + 32 =
 * 160 parameters. For P = 1 the single factor is [k, d].
 */
public final class KroneckerShape {
  private final List<FactorShape> factors;
  private final int rows;
  private final int cols;

  private KroneckerShape(List<FactorShape> factors) {
    if (factors.isEmpty()) {
      throw new IllegalArgumentException("a Kronecker product needs at least one factor shape (P >= 1)");
    }
    this.factors = List.copyOf(factors);
    this.rows = checkedProduct(factors.stream().mapToInt(FactorShape::rows).toArray(), "rows");
    this.cols = checkedProduct(factors.stream().mapToInt(FactorShape::cols).toArray(), "columns");
  }

  /** Returns the shape made of these factors (in order); K's size follows from them. */
  public static KroneckerShape of(List<FactorShape> factors) {
    Objects.requireNonNull(factors, "factors");
    return new KroneckerShape(factors);
  }

  /** Returns the shape made of these factors (in order). */
  public static KroneckerShape of(FactorShape... factors) {
    return of(Arrays.asList(factors));
  }

  /**
   * Returns the shape made of these factors, checking that it builds a {@code k x d} matrix.
   *
   * @throws IllegalArgumentException naming the shapes, the matrix they build and the one required
   */
  public static KroneckerShape of(int k, int d, List<FactorShape> factors) {
    return of(factors).requireMatrix(k, d);
  }

  /** Parses a comma-separated list such as {@code "8x8, 8x8, 4x8"}. */
  public static KroneckerShape parse(String text) {
    List<FactorShape> list = new ArrayList<>();
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        list.add(FactorShape.parse(part));
      }
    }
    return of(list);
  }

  /**
   * Returns the balanced shape for a {@code k x d} matrix with {@code p} factors (rule in the class
   * comment).
   *
   * @throws IllegalArgumentException when k or d cannot be split into p factors of at least 2
   */
  public static KroneckerShape balanced(int k, int d, int p) {
    if (p < 1) {
      throw new IllegalArgumentException("the number of Kronecker factors P must be >= 1; got " + p);
    }
    int[] kf = balancedFactors(k, p, "k");
    int[] df = balancedFactors(d, p, "d (the width)");
    List<FactorShape> list = new ArrayList<>();
    for (int i = 0; i < p; i++) {
      list.add(new FactorShape(kf[i], df[i]));
    }
    return new KroneckerShape(list);
  }

  /**
   * Returns the balanced split of {@code n} into {@code p} factors, non-increasing: for p = 1,
   * {@code [n]}; for p >= 2, factors of at least 2 with the smallest sum, then the smallest
   * maximum, then lexicographically smallest.
   *
   * @throws IllegalArgumentException when n < 1, p < 1, or n has fewer than p prime factors
   */
  public static int[] balancedFactors(int n, int p) {
    return balancedFactors(n, p, "n");
  }

  private static int[] balancedFactors(int n, int p, String name) {
    if (n < 1) {
      throw new IllegalArgumentException(name + " must be >= 1; got " + n);
    }
    if (p < 1) {
      throw new IllegalArgumentException("the number of Kronecker factors P must be >= 1; got " + p);
    }
    if (p == 1) {
      return new int[] {n};
    }
    int[] best = search(divisorsDescending(n), n, p, n, new int[p], 0, null);
    if (best == null) {
      throw new IllegalArgumentException(
          "cannot split " + name + " = " + n + " into P = " + p + " factors of at least 2 ("
              + name + " = " + n + " has " + primeFactorCount(n) + " prime factor(s) counted with"
              + " multiplicity, at least P are required); use a smaller P or give the factor shapes"
              + " explicitly");
    }
    return best;
  }

  /**
   * Depth-first search over non-increasing factor lists (factors taken from {@code divisors} of the
   * original number); returns the best by the balanced order.
   */
  private static int[] search(
      int[] divisors, int n, int remaining, int maxFactor, int[] current, int depth, int[] best) {
    if (remaining == 1) {
      if (n < 2 || n > maxFactor) {
        return best;
      }
      current[depth] = n;
      return better(current, best) ? current.clone() : best;
    }
    for (int f : divisors) {
      if (f <= maxFactor && f <= n / 2 && f >= 2 && n % f == 0) {
        current[depth] = f;
        best = search(divisors, n / f, remaining - 1, f, current, depth + 1, best);
      }
    }
    return best;
  }

  private static int[] divisorsDescending(int n) {
    List<Integer> small = new ArrayList<>();
    List<Integer> large = new ArrayList<>();
    for (int f = 1; (long) f * f <= n; f++) {
      if (n % f == 0) {
        small.add(f);
        if (f != n / f) {
          large.add(n / f);
        }
      }
    }
    int[] out = new int[small.size() + large.size()];
    int i = 0;
    for (int v : large) {
      out[i++] = v; // n / f for increasing f: descending
    }
    for (int j = small.size() - 1; j >= 0; j--) {
      out[i++] = small.get(j);
    }
    return out;
  }

  private static boolean better(int[] candidate, int[] best) {
    if (best == null) {
      return true;
    }
    long sc = Arrays.stream(candidate).asLongStream().sum();
    long sb = Arrays.stream(best).asLongStream().sum();
    if (sc != sb) {
      return sc < sb;
    }
    if (candidate[0] != best[0]) { // lists are non-increasing: element 0 is the maximum
      return candidate[0] < best[0];
    }
    return Arrays.compare(candidate, best) < 0;
  }

  private static int primeFactorCount(int n) {
    int count = 0;
    for (int f = 2; (long) f * f <= n; f++) {
      while (n % f == 0) {
        n /= f;
        count++;
      }
    }
    return n > 1 ? count + 1 : count;
  }

  private static int checkedProduct(int[] values, String what) {
    long product = 1;
    for (int v : values) {
      product *= v;
      if (product > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "the Kronecker product of factor " + what + " " + Arrays.toString(values)
                + " exceeds " + Integer.MAX_VALUE);
      }
    }
    return (int) product;
  }

  /**
   * Returns this shape if it builds a {@code k x d} matrix.
   *
   * @throws IllegalArgumentException naming the shapes, the matrix they build and the one required
   */
  public KroneckerShape requireMatrix(int k, int d) {
    if (rows != k || cols != d) {
      throw new IllegalArgumentException(
          "Kronecker factor shapes " + this + " build a " + rows + " x " + cols + " matrix but a " + k
              + " x " + d + " (k x width) matrix is required: the product of the factor rows k_p must"
              + " be " + k + " and the product of the factor columns d_p must be " + d);
    }
    return this;
  }

  /** Returns the factor shapes A_1 ... A_P in product order. */
  public List<FactorShape> factors() {
    return factors;
  }

  /** Returns factor p's shape (0-based). */
  public FactorShape factor(int p) {
    return factors.get(p);
  }

  /** Returns P, the number of factors. */
  public int factorCount() {
    return factors.size();
  }

  /** Returns k = prod k_p, the number of rows of K. */
  public int rows() {
    return rows;
  }

  /** Returns d = prod d_p, the number of columns of K. */
  public int cols() {
    return cols;
  }

  /** Returns the number of learnable parameters, sum of k_p * d_p. */
  public int parameterCount() {
    return factors.stream().mapToInt(FactorShape::parameterCount).sum();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KroneckerShape other && other.factors.equals(factors);
  }

  @Override
  public int hashCode() {
    return factors.hashCode();
  }

  /** Returns the shapes as written in configuration, e.g. {@code 8x8,8x8,4x8}. */
  @Override
  public String toString() {
    return factors.stream().map(FactorShape::toString).collect(Collectors.joining(","));
  }
}
