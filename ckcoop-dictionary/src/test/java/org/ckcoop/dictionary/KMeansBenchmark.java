package org.ckcoop.dictionary;

import org.ckcoop.common.engine.EngineRuntime;
import java.util.Locale;
import java.util.Random;

/**
 * Hand-run benchmark (not a unit test): k-means on a random Gaussian-mixture table of CLIP's
 * token-embedding size. Arguments (all optional, {@code name=value}): {@code rows=49408},
 * {@code width=512}, {@code k=1024}, {@code components=2048} (mixture components),
 * {@code spread=1} (std of the component means), {@code noise=0.5} (std around a mean),
 * {@code seed=0}, {@code max_iterations=30}, {@code tolerance=1e-4}, {@code normalize=false},
 * {@code seeding_sample=0} (0: automatic; rows: exact k-means++), {@code repeats=1},
 * {@code verbose=false} (print every iteration).
 *
 * <pre>
 * ./mvnw -B -o -q test-compile -pl ckcoop-dictionary -am
 * java -Xmx6g -cp ckcoop-dictionary/target/classes:ckcoop-dictionary/target/test-classes:$(cat cp.txt) \
 *     org.ckcoop.dictionary.KMeansBenchmark k=1024
 * </pre>
 */
public final class KMeansBenchmark {
  private KMeansBenchmark() {}

  /** Runs the benchmark and prints one line per run. */
  public static void main(String[] args) {
    int rows = 49408;
    int width = 512;
    int components = 2048;
    double spread = 1;
    double noise = 0.5;
    int repeats = 1;
    boolean verbose = false;
    KMeansOptions options = KMeansOptions.defaults(1024);
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      switch (kv[0]) {
        case "rows" -> rows = Integer.parseInt(kv[1]);
        case "width" -> width = Integer.parseInt(kv[1]);
        case "components" -> components = Integer.parseInt(kv[1]);
        case "spread" -> spread = Double.parseDouble(kv[1]);
        case "noise" -> noise = Double.parseDouble(kv[1]);
        case "repeats" -> repeats = Integer.parseInt(kv[1]);
        case "verbose" -> verbose = Boolean.parseBoolean(kv[1]);
        case "k" -> options = new KMeansOptions(Integer.parseInt(kv[1]), options.seed(),
            options.maxIterations(), options.tolerance(), options.normalize(), options.seedingSample());
        case "seed" -> options = options.withSeed(Long.parseLong(kv[1]));
        case "max_iterations" -> options = options.withMaxIterations(Integer.parseInt(kv[1]));
        case "tolerance" -> options = options.withTolerance(Double.parseDouble(kv[1]));
        case "normalize" -> options = options.withNormalize(Boolean.parseBoolean(kv[1]));
        case "seeding_sample" -> options = options.withSeedingSample(Integer.parseInt(kv[1]));
        default -> throw new IllegalArgumentException("unknown argument " + arg);
      }
    }
    float[] table = mixture(rows, width, components, spread, noise, 12345L);
    System.out.printf(Locale.ROOT, "table %d x %d, %d components, spread %.3g, noise %.3g; cores %d; %s%n",
        rows, width, components, spread, noise, Runtime.getRuntime().availableProcessors(), options.cacheKey());
    EngineRuntime.engine(); // engine start is not part of the timing
    long t0 = System.nanoTime();
    TableDigest.sha256(table);
    long t1 = System.nanoTime();
    int distinct = DistinctRows.firstOccurrences(table, rows, width).length;
    long t2 = System.nanoTime();
    System.out.printf(Locale.ROOT, "separately (cold): SHA-256 %.2f s, %d distinct rows found in %.2f s%n",
        (t1 - t0) / 1e9, distinct, (t2 - t1) / 1e9);
    boolean printIterations = verbose;
    for (int r = 0; r < repeats; r++) {
      long[] seedingDone = {0};
      long[] last = {0};
      long start = System.nanoTime();
      QuantizedDictionary d = new KMeans(options).fit(table, rows, width, new KMeansProgress() {
        @Override
        public void seeding(int chosen, int k) {
          if (chosen == k) {
            seedingDone[0] = System.nanoTime();
            last[0] = seedingDone[0];
          }
        }

        @Override
        public void iteration(int iteration, int maxIterations, double inertia, double shift) {
          long now = System.nanoTime();
          if (printIterations) {
            System.out.printf(Locale.ROOT, "  iteration %d: inertia %.8g, relative shift %.3g, %.0f ms%n",
                iteration, inertia, shift, (now - last[0]) / 1e6);
          }
          last[0] = now;
        }
      });
      long end = System.nanoTime();
      int[] sizes = d.clusterSizes();
      int empty = 0;
      for (int s : sizes) {
        empty += s == 0 ? 1 : 0;
      }
      System.out.printf(Locale.ROOT,
          "run %d: total %.2f s (seeding incl. digest and dedup %.2f s, Lloyd %.2f s); inertia %.6g;"
              + " iterations %d; converged %b; seeding sample %d; empty clusters %d; load %s%n",
          r, (end - start) / 1e9, (seedingDone[0] - start) / 1e9, (end - seedingDone[0]) / 1e9,
          d.inertia(), d.iterations(), d.converged(), d.seedingSample(), empty, loadAverage());
    }
  }

  /** Returns rows drawn from {@code components} Gaussians with N(0, spread^2) means. */
  static float[] mixture(int rows, int width, int components, double spread, double noise, long seed) {
    Random random = new Random(seed);
    float[] means = new float[components * width];
    for (int i = 0; i < means.length; i++) {
      means[i] = (float) (spread * random.nextGaussian());
    }
    float[] table = new float[rows * width];
    for (int i = 0; i < rows; i++) {
      int c = random.nextInt(components);
      for (int q = 0; q < width; q++) {
        table[i * width + q] = (float) (means[c * width + q] + noise * random.nextGaussian());
      }
    }
    return table;
  }

  private static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "n/a";
    }
  }
}
