package org.ckcoop.eval.report;

import java.util.Objects;
import org.ckcoop.eval.result.RunResult;

/**
 * A run result with where it came from.
 *
 * @param source the run file's path relative to the results folder ({@code /}-separated), or a label
 *     for results that never were a file; the summary lists it for every number the run contributed to
 * @param run the result
 */
public record SourcedRun(String source, RunResult run) {
  /** Checks that both are given. */
  public SourcedRun {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(run, "run");
  }
}
