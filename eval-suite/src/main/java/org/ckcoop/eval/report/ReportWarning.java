package org.ckcoop.eval.report;

/**
 * Something the report did not use or could not take at face value; shown in the report and on the
 * console.
 *
 * @param source the run file concerned (relative to the results folder), or an empty string when the
 *     warning is about a group of runs
 * @param message what is wrong and what the report did about it
 */
public record ReportWarning(String source, String message) {
  /** Returns the warning as one line, the file first. */
  @Override
  public String toString() {
    return source.isEmpty() ? message : source + ": " + message;
  }
}
