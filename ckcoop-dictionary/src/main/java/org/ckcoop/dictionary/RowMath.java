package org.ckcoop.dictionary;

import java.util.stream.IntStream;

/**
 * Row arithmetic on row-major float tables, in a fixed summation order so results do not depend on
 * the number of threads. Parallel loops split rows (or columns) into fixed blocks whose results are
 * independent of each other.
 */
final class RowMath {
  /** Rows per parallel block. */
  static final int ROW_BLOCK = 1024;

  private RowMath() {}

  /**
   * Returns the squared Euclidean distance between {@code a[ao, ao+width)} and
   * {@code b[bo, bo+width)}, summed with eight independent float accumulators (combined in a
   * fixed order) so the JIT can pipeline it.
   */
  static float squaredDistance(float[] a, int ao, float[] b, int bo, int width) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    int q = 0;
    for (; q + 8 <= width; q += 8) {
      float d0 = a[ao + q] - b[bo + q];
      float d1 = a[ao + q + 1] - b[bo + q + 1];
      float d2 = a[ao + q + 2] - b[bo + q + 2];
      float d3 = a[ao + q + 3] - b[bo + q + 3];
      float d4 = a[ao + q + 4] - b[bo + q + 4];
      float d5 = a[ao + q + 5] - b[bo + q + 5];
      float d6 = a[ao + q + 6] - b[bo + q + 6];
      float d7 = a[ao + q + 7] - b[bo + q + 7];
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
      s4 += d4 * d4;
      s5 += d5 * d5;
      s6 += d6 * d6;
      s7 += d7 * d7;
    }
    for (; q < width; q++) {
      float d = a[ao + q] - b[bo + q];
      s0 += d * d;
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  /** Runs {@code body.accept(from, to)} over [0, n) in fixed blocks of {@link #ROW_BLOCK}, in parallel. */
  static void forRowBlocks(int n, RangeBody body) {
    int blocks = (n + ROW_BLOCK - 1) / ROW_BLOCK;
    if (blocks <= 1) {
      body.run(0, n);
      return;
    }
    IntStream.range(0, blocks)
        .parallel()
        .forEach(b -> body.run(b * ROW_BLOCK, Math.min(n, (b + 1) * ROW_BLOCK)));
  }

  /** Returns a copy of {@code table} with every row scaled to unit L2 norm (zero rows stay zero). */
  static float[] normalisedRows(float[] table, int rows, int width) {
    float[] out = new float[table.length];
    forRowBlocks(
        rows,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            int o = i * width;
            double norm = 0;
            for (int q = 0; q < width; q++) {
              norm += (double) table[o + q] * table[o + q];
            }
            norm = Math.sqrt(norm);
            if (norm > 0) {
              for (int q = 0; q < width; q++) {
                out[o + q] = (float) (table[o + q] / norm);
              }
            }
          }
        });
    return out;
  }

  /** Copies rows {@code indices} of {@code table} into a new row-major array. */
  static float[] gather(float[] table, int width, int[] indices) {
    float[] out = new float[indices.length * width];
    for (int r = 0; r < indices.length; r++) {
      System.arraycopy(table, indices[r] * width, out, r * width, width);
    }
    return out;
  }

  /** A loop body over a half-open index range. */
  @FunctionalInterface
  interface RangeBody {
    void run(int from, int to);
  }
}
