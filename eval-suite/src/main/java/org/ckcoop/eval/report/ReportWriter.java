package org.ckcoop.eval.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ckcoop.common.InputException;

/**
 * Writes a report's files into a folder: {@code report.md}, {@code summary.json}, and per section
 * {@code <stem>.csv}, {@code <stem>.tex} and {@code <stem>.png}.
 *
 * <p><b>All or nothing.</b> The files are written into a fresh sibling folder {@code .<name>.partial-<pid>-<nanos>},
 * which then replaces the output folder by two renames (the old folder to {@code .<name>.old-<pid>-<nanos>},
 * the new one into place; the old one is then deleted). A killed or failed report therefore leaves either
 * the previous complete report or the new complete one under the output folder's name, never a mix of
 * old and new files; files of sections that no longer exist disappear with the old folder. Siblings left
 * by a killed {@code report} (their pid no longer runs) are removed by the next one. The output folder
 * must hold only report files (Markdown, CSV, LaTeX, PNG, JSON): a folder with anything else is refused,
 * naming the file, and nothing is written.
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
    Path out = outputFolder.toAbsolutePath().normalize();
    Path parent = out.getParent();
    String name = out.getFileName().toString();
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new InputException(parent, "cannot create the folder of the report: " + e.getMessage(), e);
    }
    removeStaleSiblings(parent, name);
    checkOnlyReportFiles(out);
    long pid = ProcessHandle.current().pid();
    Path partial = parent.resolve("." + name + ".partial-" + pid + "-" + System.nanoTime());
    try {
      Files.createDirectory(partial);
    } catch (IOException e) {
      throw new InputException(partial, "cannot create the report's temporary folder: " + e.getMessage(), e);
    }
    try {
      writeFiles(report, partial, layout);
      swap(partial, out, parent.resolve("." + name + ".old-" + pid + "-" + System.nanoTime()));
    } finally {
      deleteTree(partial);
    }
    return files(report, out);
  }

  private static void writeFiles(Report report, Path folder, TableLayout layout) {
    Map<String, String> chartFiles = new LinkedHashMap<>();
    LatexFormat latexFormat = (LatexFormat) TableFormat.LATEX;
    for (ReportSection s : report.sections()) {
      ReportTable table = Report.table(s, layout);
      write(folder.resolve(s.stem() + ".csv"), TableFormat.CSV.render(table).getBytes(StandardCharsets.UTF_8));
      write(folder.resolve(s.stem() + ".tex"), latexFormat.render(table, s.stem()).getBytes(StandardCharsets.UTF_8));
      write(folder.resolve(s.stem() + ".png"), report.chartPng(s));
      chartFiles.put(s.stem(), s.stem() + ".png");
    }
    write(folder.resolve(SUMMARY), report.summaryJson().getBytes(StandardCharsets.UTF_8));
    write(folder.resolve(MARKDOWN), report.markdown(layout, chartFiles).getBytes(StandardCharsets.UTF_8));
  }

  private static ReportFiles files(Report report, Path out) {
    List<Path> csv = new ArrayList<>();
    List<Path> latex = new ArrayList<>();
    List<Path> charts = new ArrayList<>();
    for (ReportSection s : report.sections()) {
      csv.add(out.resolve(s.stem() + ".csv"));
      latex.add(out.resolve(s.stem() + ".tex"));
      charts.add(out.resolve(s.stem() + ".png"));
    }
    return new ReportFiles(out, out.resolve(MARKDOWN), out.resolve(SUMMARY), csv, latex, charts);
  }

  /** Replaces {@code out} by {@code partial}: out to {@code old}, partial to out, old deleted. */
  private static void swap(Path partial, Path out, Path old) {
    boolean hadOld = Files.exists(out);
    try {
      if (hadOld) {
        Files.move(out, old, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw new InputException(out, "cannot move the previous report aside to replace it (it is unchanged): "
          + e.getMessage(), e);
    }
    try {
      Files.move(partial, out, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      if (hadOld) {
        try {
          Files.move(old, out, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException again) {
          throw new InputException(out, "cannot put the new report in place (" + e.getMessage() + ") nor the previous"
              + " one back (" + again.getMessage() + "); the previous report is in " + old, e);
        }
      }
      throw new InputException(out, "cannot put the new report in place (the previous one is unchanged): "
          + e.getMessage(), e);
    }
    if (hadOld) {
      deleteTree(old);
    }
  }

  private static boolean isReportFile(Path p) {
    String n = p.getFileName().toString();
    return Files.isRegularFile(p) && (n.endsWith(".md") || n.endsWith(".csv") || n.endsWith(".tex")
        || n.endsWith(".png") || n.endsWith(".json"));
  }

  private static void checkOnlyReportFiles(Path out) {
    if (!Files.exists(out)) {
      return;
    }
    if (!Files.isDirectory(out)) {
      throw new InputException(out, "is a file, not a report folder; nothing was written");
    }
    try (Stream<Path> entries = Files.list(out)) {
      Optional<Path> other = entries.filter(p -> !isReportFile(p)).sorted().findFirst();
      if (other.isPresent()) {
        throw new InputException(out, "holds " + other.get().getFileName() + ", which is not a report file (a report"
            + " replaces its whole folder, and holds only .md, .csv, .tex, .png and .json files); nothing was written:"
            + " choose another --output, or move it away");
      }
    } catch (IOException e) {
      throw new InputException(out, "cannot list the report folder: " + e.getMessage(), e);
    }
  }

  /** Removes {@code .<name>.partial-<pid>-*} and {@code .<name>.old-<pid>-*} folders whose process is gone. */
  private static void removeStaleSiblings(Path parent, String name) {
    Pattern stale = Pattern.compile(Pattern.quote("." + name) + "\\.(partial|old)-(\\d+)-\\d+");
    try (Stream<Path> entries = Files.list(parent)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        Matcher m = stale.matcher(p.getFileName().toString());
        if (m.matches() && Files.isDirectory(p)) {
          long pid = Long.parseLong(m.group(2));
          if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).isEmpty()) {
            deleteTree(p);
          }
        }
      }
    } catch (IOException | NumberFormatException e) {
      // leftovers stay; they never look like the report
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a leftover hidden sibling never looks like the report; the next report removes it
    }
  }

  private static Path write(Path file, byte[] bytes) {
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new InputException(file, "cannot write the report file: " + e.getMessage(), e);
    }
    return file;
  }
}
