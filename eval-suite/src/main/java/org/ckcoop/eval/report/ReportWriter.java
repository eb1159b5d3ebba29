package org.ckcoop.eval.report;

import org.ckcoop.backbone.files.AtomicWrite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ckcoop.backbone.InputException;

/**
 * Writes a report's files into a folder: {@code report.md}, {@code summary.json}, and per section
 * {@code <stem>.csv}, {@code <stem>.tex} and {@code <stem>.png}. Each file is written to a temporary
 * file in the same folder and renamed over the old one, so a reader never sees half a file and a
 * failed write leaves the previous report in place. Files of sections that no longer exist are not
 * deleted.
 */
public final class ReportWriter {
  /** The Markdown report's file name. */
  public static final String MARKDOWN = "report.md";
  /** The JSON summary's file name. */
  public static final String SUMMARY = "summary.json";

  private ReportWriter() {}

  /**
   * Reads every {@code run.json} under {@code resultsFolder} and writes the report into {@code outputFolder}.
   *
   * @throws InputException if the results folder does not exist, results conflict, or a file cannot be written
   */
  public static ReportFiles write(Path resultsFolder, Path outputFolder, TableLayout layout) {
    return write(Report.load(resultsFolder), outputFolder, layout);
  }

  /**
   * Writes a report into a folder (created if needed).
   *
   * @throws InputException naming the file that cannot be written
   */
  public static ReportFiles write(Report report, Path outputFolder, TableLayout layout) {
    try {
      Files.createDirectories(outputFolder);
    } catch (IOException e) {
      throw new InputException(outputFolder, "cannot create the report folder: " + e.getMessage(), e);
    }
    List<Path> csv = new ArrayList<>();
    List<Path> latex = new ArrayList<>();
    List<Path> charts = new ArrayList<>();
    Map<String, String> chartFiles = new LinkedHashMap<>();
    LatexFormat latexFormat = (LatexFormat) TableFormat.LATEX;
    for (ReportSection s : report.sections()) {
      ReportTable table = Report.table(s, layout);
      csv.add(write(outputFolder.resolve(s.stem() + ".csv"), TableFormat.CSV.render(table).getBytes(StandardCharsets.UTF_8)));
      latex.add(write(outputFolder.resolve(s.stem() + ".tex"),
          latexFormat.render(table, s.stem()).getBytes(StandardCharsets.UTF_8)));
      Path png = write(outputFolder.resolve(s.stem() + ".png"), report.chartPng(s));
      charts.add(png);
      chartFiles.put(s.stem(), png.getFileName().toString());
    }
    Path summary = write(outputFolder.resolve(SUMMARY), report.summaryJson().getBytes(StandardCharsets.UTF_8));
    Path markdown = write(outputFolder.resolve(MARKDOWN), report.markdown(layout, chartFiles).getBytes(StandardCharsets.UTF_8));
    return new ReportFiles(outputFolder, markdown, summary, csv, latex, charts);
  }

  private static Path write(Path file, byte[] bytes) {
    try {
      AtomicWrite.bytes(file, bytes);
    } catch (IOException e) {
      throw new InputException(file, "cannot write the report file: " + e.getMessage(), e);
    }
    return file;
  }
}
