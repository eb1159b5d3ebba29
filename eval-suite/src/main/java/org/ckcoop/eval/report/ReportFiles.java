package org.ckcoop.eval.report;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link ReportWriter} wrote.
 *
 * @param folder the output folder
 * @param markdown {@code report.md}: every section's table, chart and notes, then the warnings
 * @param summary {@code summary.json}: every number with its seeds and run files
 * @param csv one CSV per section ({@code <stem>.csv})
 * @param latex one LaTeX table per section ({@code <stem>.tex})
 * @param charts one PNG per section ({@code <stem>.png})
 */
public record ReportFiles(Path folder, Path markdown, Path summary, List<Path> csv, List<Path> latex, List<Path> charts) {
  /** Copies the lists. */
  public ReportFiles {
    csv = List.copyOf(csv);
    latex = List.copyOf(latex);
    charts = List.copyOf(charts);
  }
}
