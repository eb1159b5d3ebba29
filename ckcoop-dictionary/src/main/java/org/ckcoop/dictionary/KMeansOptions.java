package org.ckcoop.dictionary;

import java.util.Locale;

/**
 * Options of one k-means run; together with the input table they fully determine the resulting
 * {@link QuantizedDictionary}.
 *
 * @param k number of clusters (dictionary rows), in [1, number of distinct rows of the table]
 * @param seed seed of every random draw (subsample, k-means++ picks); draws happen in Java only
 * @param maxIterations upper bound on Lloyd iterations, at least 1
 * @param tolerance convergence threshold on the relative centroid shift
 *     {@code ||C_new - C_old||_F / ||C_old||_F}; finite and at least 0 (0: stop only when the
 *     assignment no longer changes)
 * @param normalize cluster the L2-normalised rows (zero rows stay zero) instead of the raw rows;
 *     the centroids are then means of unit vectors and are not re-normalised
 * @param seedingSample number of distinct rows k-means++ seeding draws its centers from: 0 means
 *     automatic, {@code max(16 k, ceil(2^25 / k))} (so seeding costs at most about 2^25 row-center
 *     distances unless k > 1448: exact k-means++ for k = 256 over 49,408 rows, a 32,768-row
 *     subsample for k = 1024); any positive value is used as given; both are clamped to [k, number
 *     of distinct rows], so a value at least that number gives exact k-means++ over all rows
 */
public record KMeansOptions(
    int k, long seed, int maxIterations, double tolerance, boolean normalize, int seedingSample) {

  /** Default maximum number of Lloyd iterations. */
  public static final int DEFAULT_MAX_ITERATIONS = 30;

  /** Default tolerance on the relative centroid shift. */
  public static final double DEFAULT_TOLERANCE = 1e-4;

  /** Minimum rows per cluster in the automatic k-means++ seeding subsample. */
  public static final int AUTO_SAMPLE_PER_CLUSTER = 16;

  /**
   * Row-center distance evaluations the automatic seeding sample aims at (2^25: about 2 s for
   * width 512 on 2 cores); the sample has {@code ceil(budget / k)} rows when that exceeds 16 k.
   */
  public static final long AUTO_SEEDING_BUDGET = 1L << 25;

  /**
   * Version of the algorithm, part of {@link #cacheKey()}: bump it whenever a change to the
   * implementation can change the dictionary computed for the same table and options.
   */
  public static final String ALGORITHM = "kmeans++subsample-lloyd/1";

  /** Validates every option; {@code k} is checked against the table in {@link KMeans#fit}. */
  public KMeansOptions {
    if (k < 1) {
      throw new IllegalArgumentException(
          "k must be in [1, number of distinct rows of the table]; got " + k);
    }
    if (maxIterations < 1) {
      throw new IllegalArgumentException(
          "max_iterations must be in [1, " + Integer.MAX_VALUE + "]; got " + maxIterations);
    }
    if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
      throw new IllegalArgumentException(
          "tolerance must be a finite number >= 0 (allowed range [0, +inf)); got " + tolerance);
    }
    if (seedingSample < 0) {
      throw new IllegalArgumentException(
          "seeding_sample must be 0 (automatic) or a positive row count, range [0, "
              + Integer.MAX_VALUE + "]; got "
              + seedingSample);
    }
  }

  /** Returns the defaults for {@code k}: seed 0, 30 iterations, tolerance 1e-4, raw rows, automatic seeding sample. */
  public static KMeansOptions defaults(int k) {
    return new KMeansOptions(k, 0L, DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE, false, 0);
  }

  /** Returns these options with another seed. */
  public KMeansOptions withSeed(long newSeed) {
    return new KMeansOptions(k, newSeed, maxIterations, tolerance, normalize, seedingSample);
  }

  /** Returns these options with another iteration bound. */
  public KMeansOptions withMaxIterations(int newMaxIterations) {
    return new KMeansOptions(k, seed, newMaxIterations, tolerance, normalize, seedingSample);
  }

  /** Returns these options with another tolerance. */
  public KMeansOptions withTolerance(double newTolerance) {
    return new KMeansOptions(k, seed, maxIterations, newTolerance, normalize, seedingSample);
  }

  /** Returns these options with normalisation switched on or off. */
  public KMeansOptions withNormalize(boolean newNormalize) {
    return new KMeansOptions(k, seed, maxIterations, tolerance, newNormalize, seedingSample);
  }

  /** Returns these options with another seeding sample size (0: automatic). */
  public KMeansOptions withSeedingSample(int newSeedingSample) {
    return new KMeansOptions(k, seed, maxIterations, tolerance, normalize, newSeedingSample);
  }

  /**
   * Returns how many distinct rows k-means++ seeding uses when the table has {@code distinctRows}
   * distinct rows (see {@link #seedingSample()}).
   */
  public int seedingSampleFor(int distinctRows) {
    long wanted =
        seedingSample == 0
            ? Math.max((long) AUTO_SAMPLE_PER_CLUSTER * k, (AUTO_SEEDING_BUDGET + k - 1) / k)
            : seedingSample;
    return (int) Math.min(distinctRows, Math.max(k, wanted));
  }

  /**
   * Returns a stable, canonical description of these options and the algorithm version, e.g.
   * {@code algorithm=kmeans++subsample-lloyd/1;k=256;seed=0;max_iterations=30;tolerance=1.0E-4;normalize=false;seeding_sample=auto}.
   * Equal options give equal strings on every JVM; use it (with the table identity) as a cache key.
   */
  public String cacheKey() {
    return String.format(
        Locale.ROOT,
        "algorithm=%s;k=%d;seed=%d;max_iterations=%d;tolerance=%s;normalize=%b;seeding_sample=%s",
        ALGORITHM,
        k,
        seed,
        maxIterations,
        Double.toString(tolerance),
        normalize,
        seedingSample == 0 ? "auto" : Integer.toString(seedingSample));
  }
}
