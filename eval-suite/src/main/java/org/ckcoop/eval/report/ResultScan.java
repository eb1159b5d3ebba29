package org.ckcoop.eval.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.ckcoop.common.InputException;
import org.ckcoop.eval.result.RunResult;

/**
 * The run results found under a results folder: every file named {@code run.json} at any depth, in
 * the order of their relative paths. A file that cannot be read or that lacks what a report needs is
 * skipped with a warning naming it. Run files are written atomically (temporary file, then rename),
 * so a half-written one is never expected, even while a shard is still running: one that is found is
 * a real problem (a disk that filled up, a copy that was cut short) and is reported, not ignored.
 *
 * @param folder the results folder
 * @param runs the readable results, sources relative to {@code folder}
 * @param warnings one per skipped file
 */
public record ResultScan(Path folder, List<SourcedRun> runs, List<ReportWarning> warnings) {
  /** Copies the lists. */
  public ResultScan {
    runs = List.copyOf(runs);
    warnings = List.copyOf(warnings);
  }

  /**
   * Finds and reads every {@code run.json} under a folder.
   *
   * @throws InputException naming the folder if it is not a folder or cannot be listed
   */
  public static ResultScan read(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw new InputException(folder, Files.exists(folder) ? "not a folder (expected the folder holding the study's run.json files)"
          : "no such folder (expected the folder holding the study's run.json files)");
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(folder)) {
      files = walk.filter(p -> p.getFileName().toString().equals(RunResult.FILE_NAME) && Files.isRegularFile(p))
          .sorted((a, b) -> relative(folder, a).compareTo(relative(folder, b)))
          .toList();
    } catch (IOException | UncheckedIOException e) {
      throw new InputException(folder, "cannot list the results folder: " + e.getMessage(), e);
    }
    List<SourcedRun> runs = new ArrayList<>();
    List<ReportWarning> warnings = new ArrayList<>();
    for (Path file : files) {
      String source = relative(folder, file);
      RunResult run;
      try {
        run = RunResult.read(file);
      } catch (InputException e) {
        warnings.add(new ReportWarning(source, "skipped: " + oneLine(e.problem())));
        continue;
      }
      String problem = problem(run);
      if (problem != null) {
        warnings.add(new ReportWarning(source, "skipped, incomplete run result: " + problem));
        continue;
      }
      runs.add(new SourcedRun(source, run));
    }
    return new ResultScan(folder, runs, warnings);
  }

  /**
   * Returns what makes a run result unusable for a report, or {@code null} if nothing does: a missing
   * study, protocol, variant, backbone or test list, an unknown protocol or subset, an accuracy outside
   * 0-100.
   */
  static String problem(RunResult run) {
    if (blank(run.study())) {
      return "no study name";
    }
    if (blank(run.protocol())) {
      return "no protocol";
    }
    if (ReportProtocol.fromFileName(run.protocol()).isEmpty()) {
      return "unknown protocol '" + run.protocol() + "' (known: base2new, cross-dataset, domain-generalization, few-shot)";
    }
    if (blank(run.learner()) || blank(run.variant())) {
      return "no learner or variant";
    }
    if (run.backbone() == null || blank(run.backbone().identity()) || blank(run.backbone().architecture())) {
      return "no backbone identity or architecture";
    }
    if (run.diverged()) {
      if (run.divergence() == null || run.divergence().testSets().isEmpty()) {
        return "a diverged run without the test sets it would have been evaluated on";
      }
      for (RunResult.TestSet t : run.divergence().testSets()) {
        if (t == null || blank(t.dataset()) || !List.of("base", "new", "all").contains(t.subset())) {
          return "a diverged run's test set without dataset or with a subset other than base, new or all";
        }
      }
      return null;
    }
    if (run.tests().isEmpty()) {
      return "no test results";
    }
    for (RunResult.TestResult t : run.tests()) {
      if (t == null || blank(t.dataset()) || blank(t.subset())) {
        return "a test result without dataset or subset";
      }
      if (!List.of("base", "new", "all").contains(t.subset())) {
        return "test subset '" + t.subset() + "' of " + t.dataset() + " is not base, new or all";
      }
      for (double v : new double[] {t.top1(), t.meanPerClass()}) {
        if (!(v >= 0 && v <= 100)) {
          return String.format(Locale.ROOT, "accuracy %s on %s/%s is not a percentage in 0-100", v, t.dataset(), t.subset());
        }
      }
    }
    return null;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static String oneLine(String s) {
    // Jackson's location names a redacted source; the file is named already: keep line and column.
    String line = s.replaceAll("\\s+", " ").replaceAll("\\[Source: [^;\\]]*; ", "[").trim();
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }

  static String relative(Path folder, Path file) {
    return folder.relativize(file).toString().replace(java.io.File.separatorChar, '/');
  }
}
