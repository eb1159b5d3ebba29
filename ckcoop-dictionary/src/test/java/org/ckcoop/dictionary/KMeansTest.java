package org.ckcoop.dictionary;

import org.ckcoop.common.engine.EngineRuntime;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KMeansTest {
  private static NDManager manager;

  @BeforeAll
  static void startEngine() {
    manager = EngineRuntime.engine().newBaseManager();
    manager.cap(); // anything attached to it (instead of a sub-manager) fails the test
  }

  @AfterAll
  static void closeEngine() {
    manager.close();
  }

  /** Rows around {@code centers} well-separated means, row i in cluster {@code truth[i]}. */
  private record Blobs(float[] table, int rows, int width, int[] truth, float[] means) {}

  private static Blobs blobs(int centers, int perCenter, int width, double separation, double noise, long seed) {
    Random random = new Random(seed);
    float[] means = new float[centers * width];
    for (int i = 0; i < means.length; i++) {
      means[i] = (float) (separation * random.nextGaussian());
    }
    int rows = centers * perCenter;
    float[] table = new float[rows * width];
    int[] truth = new int[rows];
    for (int i = 0; i < rows; i++) {
      truth[i] = random.nextInt(centers);
      for (int q = 0; q < width; q++) {
        table[i * width + q] = (float) (means[truth[i] * width + q] + noise * random.nextGaussian());
      }
    }
    return new Blobs(table, rows, width, truth, means);
  }

  private static QuantizedDictionary fit(KMeansOptions options, Blobs b) {
    return new KMeans(options).fit(manager, b.table(), b.rows(), b.width(), KMeansProgress.NONE);
  }

  @Test
  void recoversWellSeparatedClustersExactly() {
    Blobs b = blobs(12, 40, 16, 10.0, 0.1, 1);
    QuantizedDictionary d = fit(KMeansOptions.defaults(12), b);
    assertRecovered(b, d);
    assertThat(d.seedingSample()).isEqualTo(b.rows()); // exact k-means++ on a small table
    assertThat(d.converged()).isTrue();
    assertThat(d.k()).isEqualTo(12);
    assertThat(d.width()).isEqualTo(16);
    assertThat(d.tableRows()).isEqualTo(b.rows());
  }

  @Test
  void recoversWellSeparatedClustersFromASeedingSubsampleToo() {
    Blobs b = blobs(12, 40, 16, 10.0, 0.1, 1);
    QuantizedDictionary d = fit(KMeansOptions.defaults(12).withSeedingSample(60), b);
    assertThat(d.seedingSample()).isEqualTo(60);
    assertRecovered(b, d);
  }

  /** Labels equal the truth up to a permutation; centroids are close to the true means. */
  private static void assertRecovered(Blobs b, QuantizedDictionary d) {
    Map<Integer, Integer> foundToTrue = new HashMap<>();
    for (int i = 0; i < b.rows(); i++) {
      Integer previous = foundToTrue.putIfAbsent(d.assignments()[i], b.truth()[i]);
      assertThat(previous == null ? b.truth()[i] : previous).as("row %d", i).isEqualTo(b.truth()[i]);
    }
    assertThat(foundToTrue).hasSize(d.k());
    assertThat(foundToTrue.values()).doesNotHaveDuplicates();
    for (Map.Entry<Integer, Integer> e : foundToTrue.entrySet()) {
      float[] c = d.centroid(e.getKey());
      for (int q = 0; q < b.width(); q++) {
        assertThat(c[q]).isCloseTo(b.means()[e.getValue() * b.width() + q], within(0.1f));
      }
    }
    assertThat(d.clusterSizes()).doesNotContain(0);
  }

  @Test
  void assignmentsAreTheNearestCentroidsAndInertiaTheirSquaredDistances() {
    Blobs b = blobs(30, 20, 8, 1.0, 1.0, 2);
    QuantizedDictionary d = fit(KMeansOptions.defaults(16).withMaxIterations(5), b);
    float[] c = d.centroids();
    double inertia = 0;
    for (int i = 0; i < b.rows(); i++) {
      int best = 0;
      double bestD = Double.MAX_VALUE;
      for (int j = 0; j < 16; j++) {
        double s = 0;
        for (int q = 0; q < 8; q++) {
          double diff = b.table()[i * 8 + q] - c[j * 8 + q];
          s += diff * diff;
        }
        if (s < bestD) {
          bestD = s;
          best = j;
        }
      }
      assertThat(d.assignments()[i]).as("row %d", i).isEqualTo(best);
      inertia += bestD;
    }
    assertThat(d.inertia()).isCloseTo(inertia, within(1e-4 * inertia));
  }

  @Test
  void sameSeedGivesTheSameDictionaryBitForBit() {
    Blobs b = blobs(40, 25, 12, 1.0, 0.8, 3);
    KMeansOptions options = KMeansOptions.defaults(25).withSeed(7);
    QuantizedDictionary first = fit(options, b);
    QuantizedDictionary second = fit(options, b);
    assertThat(floatBits(second.centroids())).isEqualTo(floatBits(first.centroids()));
    assertThat(second.assignments()).isEqualTo(first.assignments());
    assertThat(second.seedRows()).isEqualTo(first.seedRows());
    assertThat(second.inertiaHistory()).isEqualTo(first.inertiaHistory());
    assertThat(second.cacheKey()).isEqualTo(first.cacheKey());
  }

  @Test
  void differentSeedsSeedDifferently() {
    Blobs b = blobs(40, 25, 12, 1.0, 0.8, 3);
    QuantizedDictionary a = fit(KMeansOptions.defaults(25).withSeed(1), b);
    QuantizedDictionary c = fit(KMeansOptions.defaults(25).withSeed(2), b);
    assertThat(c.seedRows()).isNotEqualTo(a.seedRows());
    assertThat(c.cacheKey()).isNotEqualTo(a.cacheKey());
    assertThat(c.tableSha256()).isEqualTo(a.tableSha256());
  }

  @Test
  void seedingSampleRuleIsExactForSmallTablesAndBudgetedForLargeK() {
    assertThat(KMeansOptions.defaults(256).seedingSampleFor(49408)).isEqualTo(49408); // exact
    assertThat(KMeansOptions.defaults(1024).seedingSampleFor(49408)).isEqualTo(32768); // 2^25 / k
    assertThat(KMeansOptions.defaults(2048).seedingSampleFor(49408)).isEqualTo(32768); // 16 k
    assertThat(KMeansOptions.defaults(50).withSeedingSample(10).seedingSampleFor(1000)).isEqualTo(50);
    assertThat(KMeansOptions.defaults(50).withSeedingSample(5000).seedingSampleFor(1000)).isEqualTo(1000);

    Blobs b = blobs(40, 25, 12, 1.0, 0.8, 4); // 1000 rows
    QuantizedDictionary exact = fit(KMeansOptions.defaults(50), b);
    assertThat(exact.seedingSample()).isEqualTo(1000);
    QuantizedDictionary sampled = fit(KMeansOptions.defaults(50).withSeedingSample(200), b);
    assertThat(sampled.seedingSample()).isEqualTo(200);
    assertThat(sampled.seedRows()).doesNotHaveDuplicates().hasSize(50);
    assertThat(sampled.cacheKey()).isNotEqualTo(exact.cacheKey());
  }

  @Test
  void inertiaNeverIncreasesAcrossIterations() {
    Blobs b = blobs(60, 30, 8, 1.0, 1.5, 5); // heavily overlapping: many iterations
    QuantizedDictionary d = fit(KMeansOptions.defaults(40).withTolerance(0).withMaxIterations(100), b);
    double[] h = d.inertiaHistory();
    assertThat(d.iterations()).isGreaterThan(5);
    assertThat(h.length).isGreaterThanOrEqualTo(d.iterations());
    for (int t = 1; t < h.length; t++) {
      assertThat(h[t]).as("iteration %d", t + 1).isLessThanOrEqualTo(h[t - 1] * (1 + 1e-6));
    }
    assertThat(h[h.length - 1]).isEqualTo(d.inertia());
    assertThat(h[h.length - 1]).isLessThan(h[0]);
  }

  @Test
  void stopsAtTheIterationBoundWithoutConverging() {
    Blobs b = blobs(60, 30, 8, 1.0, 1.5, 5);
    QuantizedDictionary d = fit(KMeansOptions.defaults(40).withTolerance(0).withMaxIterations(2), b);
    assertThat(d.iterations()).isEqualTo(2);
    assertThat(d.converged()).isFalse();
    assertThat(d.inertiaHistory()).hasSize(3); // two iterations + the final assignment
  }

  @Test
  void fewerDistinctRowsThanKIsAClearError() {
    float[] table = new float[10 * 4];
    for (int i = 0; i < 10; i++) {
      table[i * 4] = i % 3; // three distinct rows, each repeated
    }
    table[3 * 4 + 1] = -0.0f; // row 3 still equals row 0: -0.0 == 0.0
    assertThatThrownBy(() -> new KMeans(KMeansOptions.defaults(5)).fit(manager, table, 10, 4, KMeansProgress.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k must be in [1, 3]")
        .hasMessageContaining("3 distinct rows");
    QuantizedDictionary d = new KMeans(KMeansOptions.defaults(3)).fit(manager, table, 10, 4, KMeansProgress.NONE);
    assertThat(d.inertia()).isZero();
    assertThat(d.distinctRows()).isEqualTo(3);
    assertThat(d.clusterSizes()).containsExactlyInAnyOrder(4, 3, 3);
  }

  @Test
  void anEmptyClusterTakesTheRowFarthestFromItsCentroid() {
    // Two groups on a line; the third initial centroid is far from every row, so it gets none.
    float[] table = {0, 0, 1, 0, 2, 0, 10, 0, 11, 0, 15, 0};
    float[] initial = {1, 0, 11, 0, 1000, 1000};
    QuantizedDictionary d =
        new KMeans(KMeansOptions.defaults(3).withTolerance(0)).lloydFrom(manager, table, 6, 2, initial);
    // Row 5 (15, 0) is farthest from its centroid (11, 0): it becomes the third cluster.
    assertThat(d.clusterSizes()).doesNotContain(0);
    assertThat(d.assignments()[5]).isEqualTo(2);
    assertThat(d.centroid(2)).containsExactly(15f, 0f);
    assertThat(d.centroid(1)).containsExactly(10.5f, 0f);
    assertThat(d.centroid(0)).containsExactly(1f, 0f);
    assertThat(d.inertiaHistory()[0]).isEqualTo(1 + 0 + 1 + 1 + 0 + 0); // row 5 moved: distance 0
  }

  @Test
  void reseedingPicksTheFarthestRowOfAClusterWithMoreThanOneRow() {
    int[] labels = {0, 0, 0, 1, 3};
    float[] distances = {1, 5, 2, 1, 9}; // row 4 is farther but alone in cluster 3
    KMeans.reseedEmptyClusters(labels, distances, 4);
    assertThat(labels).containsExactly(0, 2, 0, 1, 3);
    assertThat(distances[1]).isZero();
  }

  @Test
  void normalizeClustersDirectionsAndReturnsMeansOfUnitRows() {
    // Two directions, rows at wildly different lengths: raw k-means would split by length.
    Random random = new Random(9);
    int rows = 60;
    int width = 3;
    float[] table = new float[rows * width];
    float[][] directions = {{1, 1, 0}, {0, 1, 1}};
    for (int i = 0; i < rows; i++) {
      double scale = Math.pow(10, random.nextDouble() * 4 - 2);
      for (int q = 0; q < width; q++) {
        table[i * width + q] = (float) (scale * (directions[i % 2][q] + 0.05 * random.nextGaussian()));
      }
    }
    QuantizedDictionary d =
        new KMeans(KMeansOptions.defaults(2).withNormalize(true)).fit(manager, table, rows, width, KMeansProgress.NONE);
    int[] a = d.assignments();
    for (int i = 2; i < rows; i++) {
      assertThat(a[i]).isEqualTo(a[i % 2]);
    }
    assertThat(a[0]).isNotEqualTo(a[1]);
    float[] unit = RowMath.normalisedRows(table, rows, width);
    for (int j = 0; j < 2; j++) {
      double[] mean = new double[width];
      int n = 0;
      for (int i = 0; i < rows; i++) {
        if (a[i] == j) {
          n++;
          for (int q = 0; q < width; q++) {
            mean[q] += unit[i * width + q];
          }
        }
      }
      float[] c = d.centroid(j);
      for (int q = 0; q < width; q++) {
        assertThat((double) c[q]).isCloseTo(mean[q] / n, within(1e-6));
      }
      double norm = Math.sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
      assertThat(norm).isBetween(0.9, 1.0); // means of unit vectors, not re-normalised
    }
    // The identity is that of the raw input, the options record normalisation.
    assertThat(d.tableSha256()).isEqualTo(TableDigest.sha256(table));
    assertThat(d.options().normalize()).isTrue();
  }

  @Test
  void invalidOptionsNameTheOptionAndTheAllowedRange() {
    assertThatThrownBy(() -> KMeansOptions.defaults(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k must be in [1, ");
    assertThatThrownBy(() -> KMeansOptions.defaults(4).withTolerance(-1e-3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tolerance")
        .hasMessageContaining("[0, +inf)");
    assertThatThrownBy(() -> KMeansOptions.defaults(4).withTolerance(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tolerance");
    assertThatThrownBy(() -> KMeansOptions.defaults(4).withMaxIterations(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max_iterations must be in [1, ");
    assertThatThrownBy(() -> KMeansOptions.defaults(4).withSeedingSample(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("seeding_sample");
    float[] table = new float[5 * 2];
    assertThatThrownBy(() -> new KMeans(KMeansOptions.defaults(6)).fit(manager, table, 5, 2, KMeansProgress.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k must be in [1, 5]");
    assertThatThrownBy(() -> new KMeans(KMeansOptions.defaults(1)).fit(manager, table, 4, 2, KMeansProgress.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rows x width");
    table[3] = Float.NaN;
    assertThatThrownBy(() -> new KMeans(KMeansOptions.defaults(1)).fit(manager, table, 5, 2, KMeansProgress.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row 1, column 1");
  }

  @Test
  void cacheKeysAreStableAndComputableBeforeFitting() {
    assertThat(KMeansOptions.defaults(256).cacheKey())
        .isEqualTo("algorithm=kmeans++subsample-lloyd/1;k=256;seed=0;max_iterations=30;tolerance=1.0E-4;"
            + "normalize=false;seeding_sample=auto");
    Blobs b = blobs(5, 10, 4, 5.0, 0.1, 6);
    KMeansOptions options = KMeansOptions.defaults(5);
    QuantizedDictionary d = fit(options, b);
    String before = QuantizedDictionary.cacheKey(TableDigest.sha256(b.table()), b.rows(), b.width(), options);
    assertThat(d.cacheKey()).isEqualTo(before).hasSize(64);
    assertThat(QuantizedDictionary.cacheKey(d.tableSha256(), b.rows(), b.width(), options.withNormalize(true)))
        .isNotEqualTo(before);
    assertThat(QuantizedDictionary.cacheKey(d.tableSha256(), b.rows() / 2, b.width() * 2, options))
        .isNotEqualTo(before);
  }

  @Test
  void exportsTheDictionaryToTheEngineAndLeavesNothingAttached() {
    Blobs b = blobs(5, 10, 4, 5.0, 0.1, 6);
    QuantizedDictionary d = fit(KMeansOptions.defaults(5), b);
    assertThat(manager.getManagedArrays()).isEmpty();
    try (NDManager m = manager.newSubManager()) {
      NDArray array = d.toNDArray(m);
      assertThat(array.getShape().getShape()).containsExactly(5, 4);
      assertThat(array.toFloatArray()).containsExactly(d.centroids());
    }
  }

  @Test
  void fitsOnItsOwnEngineManager() {
    Blobs b = blobs(3, 10, 4, 5.0, 0.1, 8);
    QuantizedDictionary d = new KMeans(KMeansOptions.defaults(3)).fit(b.table(), b.rows(), b.width());
    assertThat(d.k()).isEqualTo(3);
    assertThat(d.toString()).contains("k=3").contains("converged=true");
  }

  private static int[] floatBits(float[] values) {
    int[] bits = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      bits[i] = Float.floatToRawIntBits(values[i]);
    }
    return bits;
  }
}
