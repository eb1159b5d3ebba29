package org.ckcoop.eval.study;

import java.util.List;
import org.ckcoop.common.InputException;

/**
 * A deterministic slice of a study's run list, so a job array (SLURM {@code --array}, a Kubernetes
 * indexed Job) spreads one study over machines that share the results folder: shard {@code i} of
 * {@code n} takes the runs {@code [floor(i * N / n), floor((i + 1) * N / n))} of the study's ordered
 * list of {@code N} runs. The list's order depends only on the experiment (datasets, shots, seeds,
 * learners and sweep points in the order given), so every shard computes the same list and the shards
 * together cover each run exactly once. Contiguous slices keep a dataset's seeds together, so each
 * machine encodes fewer image lists.
 *
 * @param index the shard's index, from 0
 * @param count the number of shards
 */
public record Shard(int index, int count) {
  /** The whole study. */
  public static final Shard ALL = new Shard(0, 1);

  /**
   * Checks the values.
   *
   * @throws InputException naming {@code --shard} unless {@code 0 <= index < count}
   */
  public Shard {
    if (count < 1 || index < 0 || index >= count) {
      throw new InputException("--shard " + index + "/" + count, "expected i/n with n >= 1 and 0 <= i < n"
          + " (shards are numbered from 0, as SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX are)");
    }
  }

  /**
   * Parses {@code i/n}.
   *
   * @throws InputException naming {@code --shard} and what is expected
   */
  public static Shard parse(String text) {
    String t = text == null ? "" : text.trim();
    int slash = t.indexOf('/');
    if (slash < 0) {
      throw new InputException("--shard '" + text + "'", "expected i/n, e.g. 0/4 for the first of four shards");
    }
    int index;
    int count;
    try {
      index = Integer.parseInt(t.substring(0, slash).trim());
      count = Integer.parseInt(t.substring(slash + 1).trim());
    } catch (NumberFormatException e) {
      throw new InputException("--shard '" + text + "'", "expected i/n with whole numbers, e.g. 0/4");
    }
    return new Shard(index, count);
  }

  /** Returns this shard's slice of the list. */
  public <T> List<T> select(List<T> all) {
    int from = (int) ((long) index * all.size() / count);
    int to = (int) ((long) (index + 1) * all.size() / count);
    return List.copyOf(all.subList(from, to));
  }

  @Override
  public String toString() {
    return index + "/" + count;
  }
}
