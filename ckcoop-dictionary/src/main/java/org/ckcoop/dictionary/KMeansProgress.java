package org.ckcoop.dictionary;

/**
 * Receives progress of a k-means run (for a progress bar or a log). All methods run on the thread
 * that called {@link KMeans#fit} and default to doing nothing.
 */
public interface KMeansProgress {

  /** A listener that ignores everything. */
  KMeansProgress NONE = new KMeansProgress() {};

  /** Called while seeding, after {@code chosen} of {@code k} initial centers have been picked. */
  default void seeding(int chosen, int k) {}

  /**
   * Called after Lloyd iteration {@code iteration} (1-based) of at most {@code maxIterations}.
   *
   * @param inertia sum of squared distances of the rows to the centroids they were assigned to
   * @param relativeShift {@code ||C_new - C_old||_F / ||C_old||_F} of this iteration's update
   */
  default void iteration(int iteration, int maxIterations, double inertia, double relativeShift) {}
}
