package org.ckcoop.dictionary;

import org.ckcoop.common.engine.EngineRuntime;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * k-means over the rows of a float matrix [rows, width] (a token-embedding table), producing a
 * {@link QuantizedDictionary}.
 *
 * <p>Algorithm, fully determined by the table and {@link KMeansOptions}:
 *
 * <ol>
 *   <li>If {@code normalize}: every row is scaled to unit L2 norm (zero rows stay zero).
 *   <li>The distinct rows are found; {@code k} larger than their number is an error.
 *   <li>Seeding: k-means++ over a uniform subsample, drawn with {@code java.util.Random(seed)}, of
 *       {@link KMeansOptions#seedingSampleFor} distinct rows; by default all of them (exact
 *       k-means++) unless k x rows exceeds 2^25 distance evaluations, else max(16 k, 2^25 / k)
 *       rows. Exact k-means++ costs one pass over the candidate rows per center (about 3.5 ms for
 *       49,408 x 512 on 2 cores, so 3.5 s for k = 1024); the 32,768-row subsample used for k = 1024
 *       cuts that by a third, and Lloyd then refines on all rows.
 *   <li>Lloyd iterations: squared distances {@code -2 x.c + ||c||^2} (||x||^2 is constant per row)
 *       and their argmin on the engine, one matrix product per block of 4,096 rows; the per-row
 *       distance to the assigned centroid (for the inertia) and the centroid sums in Java, in a
 *       fixed summation order. An empty cluster takes the row farthest from its centroid among
 *       clusters with more than one row (ties: lowest row index), so no cluster stays empty. The
 *       loop stops when {@code ||C_new - C_old||_F <= tolerance * ||C_old||_F} (converged) or after
 *       {@code maxIterations}.
 *   <li>If the last update moved the centroids, a final assignment gives rows and inertia for the
 *       returned centroids.
 * </ol>
 *
 * <p>Repeatability: the same table and options give the same dictionary bit for bit on the same
 * machine; Java work does not depend on the thread count, but the engine's matrix product may round
 * differently on another CPU, which can flip near-tied assignments.
 *
 * <p>Memory: the table is copied once to the engine in blocks owned by a manager closed at the end
 * of {@link #fit}; each iteration's arrays live in a sub-manager closed after the iteration.
 */
public final class KMeans {
  /** Rows per block of the engine's distance computation. */
  static final int ENGINE_BLOCK_ROWS = 4096;

  /** Columns per parallel slice of the centroid sums. */
  private static final int SUM_SLICE_COLUMNS = 64;

  private final KMeansOptions options;

  /** Creates a k-means run with these options. */
  public KMeans(KMeansOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  /** Returns the options. */
  public KMeansOptions options() {
    return options;
  }

  /**
   * Clusters the rows of {@code table} on the PyTorch engine (started offline).
   *
   * @param table row-major [rows, width] values; not modified
   * @throws IllegalArgumentException on a shape mismatch, non-finite values or {@code k} outside
   *     [1, distinct rows]
   */
  public QuantizedDictionary fit(float[] table, int rows, int width) {
    return fit(table, rows, width, KMeansProgress.NONE);
  }

  /** As {@link #fit(float[], int, int)}, reporting progress. */
  public QuantizedDictionary fit(float[] table, int rows, int width, KMeansProgress progress) {
    try (NDManager manager = EngineRuntime.engine().newBaseManager()) {
      return fit(manager, table, rows, width, progress);
    }
  }

  /**
   * As {@link #fit(float[], int, int)}, computing on {@code manager}'s engine and device; every
   * array is created in a sub-manager of {@code manager} and closed before returning.
   */
  public QuantizedDictionary fit(
      NDManager manager, float[] table, int rows, int width, KMeansProgress progress) {
    validateTable(table, rows, width);
    int k = options.k();
    if (k > rows) {
      throw new IllegalArgumentException(
          "k must be in [1, " + rows + "] (the number of table rows); got " + k);
    }
    String sha = TableDigest.sha256(table);
    float[] x = options.normalize() ? RowMath.normalisedRows(table, rows, width) : table;
    int[] distinct = DistinctRows.firstOccurrences(x, rows, width);
    if (k > distinct.length) {
      throw new IllegalArgumentException(
          "k must be in [1, " + distinct.length + "]: the table has only " + distinct.length
              + " distinct rows" + (options.normalize() ? " after L2 normalisation" : "")
              + " (of " + rows + "); got k = " + k);
    }
    Random random = new Random(options.seed());
    int sampleSize = options.seedingSampleFor(distinct.length);
    int[] candidates = sampleSize == distinct.length ? distinct : subsample(distinct, sampleSize, random);
    int[] seedRows = KMeansPlusPlus.pick(x, width, candidates, k, random, progress);
    float[] initial = RowMath.gather(x, width, seedRows);
    return lloyd(manager, x, rows, width, initial, sha, seedRows, distinct.length, sampleSize, progress);
  }

  /**
   * Runs the Lloyd iterations from given initial centroids (k rows); package-private so tests can
   * start from centroids k-means++ would never pick (e.g. to force an empty cluster).
   */
  QuantizedDictionary lloydFrom(NDManager manager, float[] table, int rows, int width, float[] initial) {
    validateTable(table, rows, width);
    if (initial.length != options.k() * width) {
      throw new IllegalArgumentException("initial centroids must be k x width");
    }
    float[] x = options.normalize() ? RowMath.normalisedRows(table, rows, width) : table;
    int distinct = DistinctRows.firstOccurrences(x, rows, width).length;
    return lloyd(
        manager, x, rows, width, initial.clone(), TableDigest.sha256(table), new int[0], distinct, 0,
        KMeansProgress.NONE);
  }

  private QuantizedDictionary lloyd(
      NDManager parent,
      float[] x,
      int rows,
      int width,
      float[] centroids,
      String sha,
      int[] seedRows,
      int distinctRows,
      int sampleSize,
      KMeansProgress progress) {
    int k = options.k();
    List<Double> history = new ArrayList<>();
    boolean converged = false;
    int iterations = 0;
    int[] labels;
    try (NDManager fitManager = parent.newSubManager()) {
      List<NDArray> blocksTransposed = uploadTransposedBlocks(fitManager, x, rows, width);
      float[] c = centroids;
      labels = assign(fitManager, blocksTransposed, c, rows, width);
      boolean moved = true;
      while (iterations < options.maxIterations()) {
        iterations++;
        float[] distances = distancesToAssigned(x, rows, width, c, labels);
        reseedEmptyClusters(labels, distances, k);
        history.add(sum(distances));
        float[] next = means(x, rows, width, labels, k);
        double shift = frobeniusDistance(next, c);
        double norm = frobeniusNorm(c);
        c = next;
        progress.iteration(iterations, options.maxIterations(), history.get(history.size() - 1),
            norm > 0 ? shift / norm : shift);
        if (shift <= options.tolerance() * norm) {
          converged = true;
          moved = shift > 0;
          break;
        }
        labels = assign(fitManager, blocksTransposed, c, rows, width);
        moved = false;
      }
      if (moved) {
        labels = assign(fitManager, blocksTransposed, c, rows, width);
      }
      // One more entry when the returned centroids differ from those of the last recorded assignment.
      if (moved || !converged) {
        history.add(sum(distancesToAssigned(x, rows, width, c, labels)));
      }
      centroids = c;
    }
    double[] inertia = history.stream().mapToDouble(Double::doubleValue).toArray();
    return new QuantizedDictionary(
        centroids, width, rows, sha, options, inertia, iterations, converged, labels, seedRows,
        distinctRows, sampleSize);
  }

  private static void validateTable(float[] table, int rows, int width) {
    Objects.requireNonNull(table, "table");
    if (rows < 1 || width < 1) {
      throw new IllegalArgumentException(
          "the table must have at least one row and one column; got " + rows + " x " + width);
    }
    if ((long) rows * width != table.length) {
      throw new IllegalArgumentException(
          "the table has " + table.length + " values but rows x width = " + rows + " x " + width
              + " = " + (long) rows * width);
    }
    for (int i = 0; i < table.length; i++) {
      if (!Float.isFinite(table[i])) {
        throw new IllegalArgumentException(
            "the table must be finite; row " + i / width + ", column " + i % width + " is " + table[i]);
      }
    }
  }

  /** Draws {@code size} of {@code pool} uniformly without replacement (partial Fisher-Yates), ascending. */
  private static int[] subsample(int[] pool, int size, Random random) {
    int[] a = pool.clone();
    for (int i = 0; i < size; i++) {
      int j = i + random.nextInt(a.length - i);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    int[] out = Arrays.copyOf(a, size);
    Arrays.sort(out);
    return out;
  }

  /** Copies the table to the engine in blocks of rows, keeping each block and its transpose [width, n]. */
  private static List<NDArray> uploadTransposedBlocks(NDManager manager, float[] x, int rows, int width) {
    List<NDArray> transposed = new ArrayList<>();
    for (int start = 0; start < rows; start += ENGINE_BLOCK_ROWS) {
      int n = Math.min(ENGINE_BLOCK_ROWS, rows - start);
      float[] block = Arrays.copyOfRange(x, start * width, (start + n) * width);
      NDArray rowsArray = manager.create(block, new Shape(n, width)); // stays open with its view
      transposed.add(rowsArray.transpose());
    }
    return transposed;
  }

  /** Returns, for each row, the index of the nearest centroid (argmin on the engine). */
  private static int[] assign(NDManager fitManager, List<NDArray> blocksTransposed, float[] c, int rows, int width) {
    int k = c.length / width;
    float[] minusTwoC = new float[c.length];
    float[] squaredNorms = new float[k];
    for (int j = 0; j < k; j++) {
      double s = 0;
      for (int q = 0; q < width; q++) {
        float v = c[j * width + q];
        minusTwoC[j * width + q] = -2f * v; // exact in float
        s += (double) v * v;
      }
      squaredNorms[j] = (float) s;
    }
    int[] labels = new int[rows];
    try (NDManager step = fitManager.newSubManager()) {
      // Per-step arrays first, so every result belongs to the step manager.
      NDArray centers = step.create(minusTwoC, new Shape(k, width));
      NDArray norms = step.create(squaredNorms, new Shape(k, 1));
      int offset = 0;
      for (NDArray xt : blocksTransposed) {
        try (NDArray scores = centers.matMul(xt);
            NDArray nearest = scores.addi(norms).argMin(0)) {
          long[] idx = nearest.toLongArray();
          for (int i = 0; i < idx.length; i++) {
            labels[offset + i] = (int) idx[i];
          }
          offset += idx.length;
        }
      }
    }
    return labels;
  }

  private static float[] distancesToAssigned(float[] x, int rows, int width, float[] c, int[] labels) {
    float[] d = new float[rows];
    RowMath.forRowBlocks(
        rows,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            d[i] = RowMath.squaredDistance(x, i * width, c, labels[i] * width, width);
          }
        });
    return d;
  }

  /**
   * Gives every empty cluster the row farthest from its centroid among clusters with more than one
   * row (ties: lowest index), in cluster order; updates {@code labels} and {@code distances}.
   */
  static void reseedEmptyClusters(int[] labels, float[] distances, int k) {
    int[] sizes = new int[k];
    for (int l : labels) {
      sizes[l]++;
    }
    for (int j = 0; j < k; j++) {
      if (sizes[j] > 0) {
        continue;
      }
      int far = -1;
      for (int i = 0; i < labels.length; i++) {
        if (sizes[labels[i]] > 1 && (far < 0 || distances[i] > distances[far])) {
          far = i;
        }
      }
      sizes[labels[far]]--;
      labels[far] = j;
      sizes[j] = 1;
      distances[far] = 0;
    }
  }

  /** Returns the cluster means; sums in double, per column in row order (thread-count independent). */
  private static float[] means(float[] x, int rows, int width, int[] labels, int k) {
    int[] sizes = new int[k];
    for (int l : labels) {
      sizes[l]++;
    }
    double[] sums = new double[k * width];
    int slices = (width + SUM_SLICE_COLUMNS - 1) / SUM_SLICE_COLUMNS;
    IntStream.range(0, slices)
        .parallel()
        .forEach(
            s -> {
              int q0 = s * SUM_SLICE_COLUMNS;
              int q1 = Math.min(width, q0 + SUM_SLICE_COLUMNS);
              for (int i = 0; i < rows; i++) {
                int xo = i * width;
                int so = labels[i] * width;
                for (int q = q0; q < q1; q++) {
                  sums[so + q] += x[xo + q];
                }
              }
            });
    float[] c = new float[k * width];
    for (int j = 0; j < k; j++) {
      for (int q = 0; q < width; q++) {
        c[j * width + q] = (float) (sums[j * width + q] / sizes[j]);
      }
    }
    return c;
  }

  private static double sum(float[] values) {
    double s = 0;
    for (float v : values) {
      s += v;
    }
    return s;
  }

  private static double frobeniusDistance(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      s += d * d;
    }
    return Math.sqrt(s);
  }

  private static double frobeniusNorm(float[] a) {
    double s = 0;
    for (float v : a) {
      s += (double) v * v;
    }
    return Math.sqrt(s);
  }
}
