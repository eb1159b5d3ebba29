package org.ckcoop.eval.study;

import java.util.Objects;

/**
 * How {@link StudyRunner} runs a study.
 *
 * @param shard the slice of the run list this process runs ({@link Shard#ALL} for every run)
 * @param retryDiverged whether runs recorded as diverged are run again, from scratch in a clean folder
 *     (their old files are moved aside); otherwise they are skipped
 */
public record StudyOptions(Shard shard, boolean retryDiverged) {
  /** Checks the values. */
  public StudyOptions {
    Objects.requireNonNull(shard, "shard");
  }

  /** The given shard; diverged runs are skipped. */
  public StudyOptions(Shard shard) {
    this(shard, false);
  }

  /** Every run, in this process; diverged runs are skipped. */
  public static StudyOptions defaults() {
    return new StudyOptions(Shard.ALL, false);
  }
}
