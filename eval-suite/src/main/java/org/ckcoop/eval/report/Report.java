package org.ckcoop.eval.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.ckcoop.common.InputException;
import org.ckcoop.eval.result.RunResult;

/**
 * A study report: run results grouped into {@link ReportSection}s, one per table, with the
 * warnings about what was skipped or suspicious. Build it from a results folder ({@link #load}) or
 * from results in memory ({@link #of(List)}, what the {@code demo} command uses), then print it
 * ({@link #markdown}) or write its files ({@link #write}).
 *
 * <pre>{@code
 * Report report = Report.of(results);
 * System.out.print(report.markdown(TableLayout.LEARNERS_AS_COLUMNS));
 * ReportFiles files = report.write(outputDir, TableLayout.LEARNERS_AS_COLUMNS);
 * }</pre>
 */
public final class Report {
  private final ReportOptions options;
  private final List<ReportSection> sections;
  private final List<ReportWarning> warnings;

  private Report(ReportOptions options, List<ReportSection> sections, List<ReportWarning> warnings) {
    this.options = options;
    this.sections = List.copyOf(sections);
    this.warnings = List.copyOf(warnings);
  }

  /**
   * Builds the report of results held in memory, with top-1 accuracy and the built-in published
   * numbers. Each result is named in the summary as
   * {@code <study>/<protocol>/<variant>/<training dataset or zero-shot-<test dataset>>-<shots>shot/seed<seed>}.
   *
   * @throws InputException if two results for the same cell and seed disagree
   */
  public static Report of(List<RunResult> results) {
    List<SourcedRun> runs = new ArrayList<>();
    java.util.Set<String> used = new java.util.HashSet<>();
    for (RunResult r : results) {
      String trained = r.trainDataset() == null || r.trainDataset().isBlank()
          ? "zero-shot-" + (r.tests().isEmpty() || r.tests().get(0) == null ? "" : r.tests().get(0).dataset()) : r.trainDataset();
      String label = r.study() + "/" + r.protocol() + "/" + r.variant() + "/" + trained + "-" + r.shots() + "shot/seed" + r.seed();
      String unique = label;
      for (int i = 2; !used.add(unique); i++) {
        unique = label + "#" + i;
      }
      runs.add(new SourcedRun(unique, r));
    }
    return of(runs, List.of(), ReportOptions.defaults());
  }

  /**
   * Builds the report of results with their sources.
   *
   * @param runs the results (order does not matter: they are sorted by source)
   * @param earlierWarnings warnings from reading them, kept first in the report's warnings
   * @param options the metric and published numbers
   * @throws InputException if two results for the same cell and seed disagree
   */
  public static Report of(List<SourcedRun> runs, List<ReportWarning> earlierWarnings, ReportOptions options) {
    List<SourcedRun> sorted = new ArrayList<>(runs);
    sorted.sort(Comparator.comparing(SourcedRun::source));
    List<ReportWarning> warnings = new ArrayList<>(earlierWarnings);
    List<ReportSection> sections = SectionAssembler.assemble(sorted, options, warnings);
    return new Report(options, sections, warnings);
  }

  /**
   * Reads every {@code run.json} under a folder (skipping, with a warning, the ones that cannot be
   * read) and builds the report with top-1 accuracy and the built-in published numbers.
   *
   * @throws InputException if the folder does not exist, or two results for the same cell and seed disagree
   */
  public static Report load(Path resultsFolder) {
    return load(resultsFolder, ReportOptions.defaults());
  }

  /** Like {@link #load(Path)} with other options. */
  public static Report load(Path resultsFolder, ReportOptions options) {
    ResultScan scan = ResultScan.read(resultsFolder);
    return of(scan.runs(), scan.warnings(), options);
  }

  /** Returns the metric and published numbers used. */
  public ReportOptions options() {
    return options;
  }

  /** Returns the sections (tables), ordered by study, protocol, backbone and training setting. */
  public List<ReportSection> sections() {
    return sections;
  }

  /** Returns the warnings: skipped files, exact duplicates, mixed backbones, differing test splits. */
  public List<ReportWarning> warnings() {
    return warnings;
  }

  /** Returns whether the report has no numbers at all. */
  public boolean isEmpty() {
    return sections.isEmpty();
  }

  /** Returns every section laid out as a table. */
  public List<ReportTable> tables(TableLayout layout) {
    return sections.stream().map(s -> SectionTables.table(s, layout)).toList();
  }

  /** Returns one section laid out as a table. */
  public static ReportTable table(ReportSection section, TableLayout layout) {
    return SectionTables.table(section, layout);
  }

  /**
   * Returns the whole report as Markdown, as printed on the console: per section the title, the
   * backbone and seeds, the table and the notes; then the warnings. Tables are padded so they read
   * as plain text too.
   */
  public String markdown(TableLayout layout) {
    return markdown(layout, Map.of());
  }

  /** Returns the Markdown with an image link under each section that has a chart file (by stem). */
  String markdown(TableLayout layout, Map<String, String> chartFiles) {
    StringBuilder out = new StringBuilder();
    out.append("# Study report\n\n");
    out.append("Metric: ").append(options.metric() == Metric.TOP1 ? "top-1 accuracy" : "mean per-class accuracy")
        .append(" (%). A cell is the mean over seeds ± the population standard deviation (ddof=0, as numpy.std in CoOp's")
        .append(" parse_test_res.py); `(n=2/3)` marks a cell with only 2 of its 3 seeds, averaged over those; `-` is a")
        .append(" number that does not exist. Derived numbers (HM, averages) have no ± of their own.")
        .append(sections.stream().anyMatch(s -> !s.divergedCells().isEmpty())
            ? " `diverged`: training diverged in a run of that cell (or of a cell its HM or average is computed from);"
                + " the notes name the runs." : "")
        .append('\n');
    if (sections.isEmpty()) {
      out.append("\nNo run results.\n");
    }
    for (ReportSection s : sections) {
      out.append("\n## ").append(s.title()).append("\n\n");
      out.append("Backbone: ").append(s.backboneLine()).append(". Seeds: ")
          .append(s.seeds().isEmpty() ? "-" : s.seeds().stream().map(String::valueOf).collect(Collectors.joining(", ")))
          .append('.').append(rule(s).isEmpty() ? "" : " " + rule(s)).append("\n\n");
      out.append(TableFormat.MARKDOWN.render(SectionTables.table(s, layout)));
      String chart = chartFiles.get(s.stem());
      if (chart != null) {
        out.append("\n![").append(s.title()).append("](").append(chart).append(")\n");
      }
      if (!s.notes().isEmpty()) {
        out.append('\n');
        s.notes().forEach(n -> out.append("- ").append(n).append('\n'));
      }
    }
    if (!warnings.isEmpty()) {
      out.append("\n## Warnings\n\n");
      warnings.forEach(w -> out.append("- ").append(w).append('\n'));
    }
    return out.toString();
  }

  private static String rule(ReportSection s) {
    int n = s.protocol().transfers() ? s.targetDatasets().size() : s.datasets().size();
    return switch (s.protocol()) {
      case BASE2NEW -> "HM = 2·Base·New/(Base+New) of the seed means" + (n > 1 ? "; Average: Base and New averaged over the "
          + n + " datasets, HM of those averages." : ".");
      case CROSS_DATASET, DOMAIN_GENERALIZATION -> s.sourceDataset().isPresent()
          ? "Target average: mean over the " + n + " target datasets." : "No training run: no source, no target average.";
      case FEW_SHOT -> n > 1 ? "Average: mean over the " + n + " datasets per shot count." : "";
    };
  }

  /** Writes the report's files into a folder; see {@link ReportWriter}. */
  public ReportFiles write(Path outputFolder, TableLayout layout) {
    return ReportWriter.write(this, outputFolder, layout);
  }

  /** Returns the JSON summary (what {@code summary.json} holds). */
  public String summaryJson() {
    return ReportSummary.json(this);
  }

  /** Returns one section as PNG bytes (what {@code <stem>.png} holds). */
  public byte[] chartPng(ReportSection section) {
    return ReportCharts.png(section, options.metric());
  }
}
