package org.ckcoop.dictionary;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * The compressed dictionary {@code D_com} [k, width]: the k-means centroids of a token-embedding
 * table, with its provenance (the table's identity and shape, the options, inertia, iterations,
 * convergence). Immutable: accessors return copies of the arrays.
 */
public final class QuantizedDictionary {
  private final float[] centroids;
  private final int k;
  private final int width;
  private final int tableRows;
  private final String tableSha256;
  private final KMeansOptions options;
  private final double inertia;
  private final double[] inertiaHistory;
  private final int iterations;
  private final boolean converged;
  private final int[] assignments;
  private final int[] seedRows;
  private final int distinctRows;
  private final int seedingSample;

  QuantizedDictionary(
      float[] centroids,
      int width,
      int tableRows,
      String tableSha256,
      KMeansOptions options,
      double[] inertiaHistory,
      int iterations,
      boolean converged,
      int[] assignments,
      int[] seedRows,
      int distinctRows,
      int seedingSample) {
    this.centroids = centroids;
    this.k = options.k();
    this.width = width;
    this.tableRows = tableRows;
    this.tableSha256 = tableSha256;
    this.options = options;
    this.inertiaHistory = inertiaHistory;
    this.inertia = inertiaHistory[inertiaHistory.length - 1];
    this.iterations = iterations;
    this.converged = converged;
    this.assignments = assignments;
    this.seedRows = seedRows;
    this.distinctRows = distinctRows;
    this.seedingSample = seedingSample;
  }

  /** Returns {@code D_com} as a row-major copy of length {@code k * width}. */
  public float[] centroids() {
    return centroids.clone();
  }

  /** Returns row {@code index} of {@code D_com}. */
  public float[] centroid(int index) {
    Objects.checkIndex(index, k);
    float[] row = new float[width];
    System.arraycopy(centroids, index * width, row, 0, width);
    return row;
  }

  /**
   * Returns {@code D_com} as a new [k, width] float32 array owned by {@code manager}, its memory the
   * engine's own (a copy, never a view of a Java buffer that autograd could outlive).
   */
  public NDArray toNDArray(NDManager manager) {
    try (NDArray javaBacked = manager.create(centroids, new Shape(k, width))) {
      return javaBacked.duplicate();
    }
  }

  /** Returns the number of dictionary rows. */
  public int k() {
    return k;
  }

  /** Returns the row width (the embedding width of the table). */
  public int width() {
    return width;
  }

  /** Returns the number of rows of the clustered table. */
  public int tableRows() {
    return tableRows;
  }

  /** Returns the table's SHA-256 (see {@link TableDigest}); for a normalised run, that of the raw input. */
  public String tableSha256() {
    return tableSha256;
  }

  /** Returns the options this dictionary was computed with. */
  public KMeansOptions options() {
    return options;
  }

  /**
   * Returns the final inertia: the sum over rows of the squared distance to the nearest centroid of
   * {@link #centroids()} (of the normalised rows when {@code normalize} is on).
   */
  public double inertia() {
    return inertia;
  }

  /**
   * Returns the inertia after each assignment step: one entry per Lloyd iteration, plus a last
   * entry for the final assignment to the returned centroids when the last update moved them
   * (that entry equals {@link #inertia()}). Non-increasing up to floating-point rounding.
   */
  public double[] inertiaHistory() {
    return inertiaHistory.clone();
  }

  /** Returns the number of Lloyd iterations run. */
  public int iterations() {
    return iterations;
  }

  /** Returns whether the relative centroid shift fell to the tolerance before the iteration bound. */
  public boolean converged() {
    return converged;
  }

  /** Returns, for each table row, the index of its centroid (the nearest one). */
  public int[] assignments() {
    return assignments.clone();
  }

  /**
   * Returns the number of table rows assigned to each centroid. Empty clusters are re-seeded during
   * the iterations; a 0 can only appear when the final assignment to the returned centroids leaves
   * one without rows (possible only if the last update moved the centroids).
   */
  public int[] clusterSizes() {
    int[] sizes = new int[k];
    for (int a : assignments) {
      sizes[a]++;
    }
    return sizes;
  }

  /** Returns the table rows k-means++ picked as the initial centers, in the order picked. */
  public int[] seedRows() {
    return seedRows.clone();
  }

  /** Returns the number of distinct rows of the (normalised, if requested) table. */
  public int distinctRows() {
    return distinctRows;
  }

  /** Returns how many distinct rows the k-means++ seeding drew its centers from. */
  public int seedingSample() {
    return seedingSample;
  }

  /** Returns this dictionary's cache key: {@link #cacheKey(String, int, int, KMeansOptions)}. */
  public String cacheKey() {
    return cacheKey(tableSha256, tableRows, width, options);
  }

  /**
   * Returns the key under which a dictionary for this table and these options can be cached: the
   * hex SHA-256 of the table identity, its shape and {@link KMeansOptions#cacheKey()}. Computable
   * before running k-means (use {@link TableDigest#sha256} for the first argument).
   */
  public static String cacheKey(String tableSha256, int rows, int width, KMeansOptions options) {
    String text =
        String.format(Locale.ROOT, "table=%s;shape=%dx%d;%s", tableSha256, rows, width, options.cacheKey());
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "QuantizedDictionary[k=%d, width=%d, rows=%d, inertia=%.6g, iterations=%d, converged=%b, %s]",
        k, width, tableRows, inertia, iterations, converged, options.cacheKey());
  }
}
