package org.ckcoop.backbone.text;

import java.util.Arrays;

/**
 * Open-addressing hash table from a pair of symbol ids to the merge's rank and the id of the merged
 * symbol; the hot path of BPE, without boxing.
 */
final class MergeTable {
  private static final long EMPTY = -1L;

  private final long[] keys;
  private final int[] ranks;
  private final int[] results;
  private final int mask;

  MergeTable(BpeVocabulary vocabulary) {
    int n = vocabulary.merges().size();
    int capacity = Integer.highestOneBit(Math.max(4, n * 2 - 1)) << 1;
    keys = new long[capacity];
    ranks = new int[capacity];
    results = new int[capacity];
    mask = capacity - 1;
    Arrays.fill(keys, EMPTY);
    for (int rank = 0; rank < n; rank++) {
      BpeMerge m = vocabulary.merges().get(rank);
      long key = key(vocabulary.id(m.left()), vocabulary.id(m.right()));
      int slot = slot(key);
      while (keys[slot] != EMPTY) {
        slot = (slot + 1) & mask;
      }
      keys[slot] = key;
      ranks[slot] = rank;
      results[slot] = vocabulary.id(m.merged());
    }
  }

  /** The slot of the pair, or -1 when no merge joins these symbols. */
  int find(int left, int right) {
    long key = key(left, right);
    int slot = slot(key);
    while (true) {
      long k = keys[slot];
      if (k == key) {
        return slot;
      }
      if (k == EMPTY) {
        return -1;
      }
      slot = (slot + 1) & mask;
    }
  }

  int rankAt(int slot) {
    return ranks[slot];
  }

  int resultAt(int slot) {
    return results[slot];
  }

  private static long key(int left, int right) {
    return ((long) left << 32) | (right & 0xFFFFFFFFL);
  }

  private int slot(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 29)) & mask;
  }
}
