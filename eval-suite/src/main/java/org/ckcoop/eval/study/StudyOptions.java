package org.ckcoop.eval.study;

import java.util.Objects;

/**
 * How {@link StudyRunner} runs a study.
 *
 * @param shard the slice of the run list this process runs ({@link Shard#ALL} for every run)
 */
public record StudyOptions(Shard shard) {
  /** Checks the values. */
  public StudyOptions {
    Objects.requireNonNull(shard, "shard");
  }

  /** Every run, in this process. */
  public static StudyOptions defaults() {
    return new StudyOptions(Shard.ALL);
  }
}
