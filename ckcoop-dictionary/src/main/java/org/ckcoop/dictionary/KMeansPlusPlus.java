package org.ckcoop.dictionary;

import java.util.Arrays;
import java.util.Random;

/**
 * k-means++ seeding (Arthur and Vassilvitskii, 2007) over a set of candidate rows: the first center
 * uniformly, each next one with probability proportional to its squared distance to the nearest
 * center chosen so far. All draws come from the given {@link Random}; distances are exact
 * (difference form) and computed per candidate, so the picks do not depend on the thread count.
 */
final class KMeansPlusPlus {
  private static final int REPORT_EVERY = 32;

  private KMeansPlusPlus() {}

  /**
   * Picks {@code k} of the {@code candidates} (indices of pairwise distinct rows of {@code table},
   * at least {@code k} of them) and returns their table indices in the order picked.
   */
  static int[] pick(
      float[] table, int width, int[] candidates, int k, Random random, KMeansProgress progress) {
    int m = candidates.length;
    float[] rows = RowMath.gather(table, width, candidates);
    double[] nearest = new double[m];
    Arrays.fill(nearest, Double.POSITIVE_INFINITY);
    boolean[] chosen = new boolean[m];
    int[] picks = new int[k];
    int next = random.nextInt(m);
    for (int c = 0; c < k; c++) {
      if (c > 0) {
        next = draw(nearest, chosen, random);
      }
      picks[c] = candidates[next];
      chosen[next] = true;
      int centerOffset = next * width;
      RowMath.forRowBlocks(
          m,
          (from, to) -> {
            for (int i = from; i < to; i++) {
              double d = RowMath.squaredDistance(rows, i * width, rows, centerOffset, width);
              if (d < nearest[i]) {
                nearest[i] = d;
              }
            }
          });
      nearest[next] = 0;
      if ((c + 1) % REPORT_EVERY == 0 || c + 1 == k) {
        progress.seeding(c + 1, k);
      }
    }
    return picks;
  }

  /**
   * Draws an index with probability proportional to {@code weights}; when all remaining weights
   * are zero (distinct rows closer than float resolution), the first candidate not chosen yet.
   */
  private static int draw(double[] weights, boolean[] chosen, Random random) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double u = random.nextDouble() * total;
    if (total > 0) {
      double cumulative = 0;
      int lastPositive = -1;
      for (int i = 0; i < weights.length; i++) {
        if (weights[i] > 0) {
          cumulative += weights[i];
          lastPositive = i;
          if (cumulative > u) {
            return i;
          }
        }
      }
      return lastPositive; // rounding left u at the very end
    }
    for (int i = 0; i < chosen.length; i++) {
      if (!chosen[i]) {
        return i;
      }
    }
    throw new IllegalStateException("no candidate left to draw");
  }
}
