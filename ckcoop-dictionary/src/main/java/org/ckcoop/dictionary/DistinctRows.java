package org.ckcoop.dictionary;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** Finds the distinct rows of a float table (rows equal value by value; -0.0 equals 0.0). */
final class DistinctRows {
  private DistinctRows() {}

  /** Returns the index of the first occurrence of every distinct row, ascending. */
  static int[] firstOccurrences(float[] table, int rows, int width) {
    int[] hashes = new int[rows];
    RowMath.forRowBlocks(
        rows,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            int h = 1;
            int o = i * width;
            for (int q = 0; q < width; q++) {
              h = 31 * h + Float.floatToIntBits(table[o + q] + 0.0f); // + 0.0f maps -0.0 to 0.0
            }
            hashes[i] = h;
          }
        });
    Map<Row, Boolean> seen = new HashMap<>(rows * 2);
    int[] first = new int[rows];
    int n = 0;
    for (int i = 0; i < rows; i++) {
      if (seen.putIfAbsent(new Row(table, i, width, hashes[i]), Boolean.TRUE) == null) {
        first[n++] = i;
      }
    }
    return Arrays.copyOf(first, n);
  }

  private static final class Row {
    private final float[] table;
    private final int offset;
    private final int width;
    private final int hash;

    Row(float[] table, int index, int width, int hash) {
      this.table = table;
      this.offset = index * width;
      this.width = width;
      this.hash = hash;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Row other) || other.hash != hash) {
        return false;
      }
      for (int q = 0; q < width; q++) {
        if (table[offset + q] != other.table[other.offset + q]) {
          return false;
        }
      }
      return true;
    }
  }
}
