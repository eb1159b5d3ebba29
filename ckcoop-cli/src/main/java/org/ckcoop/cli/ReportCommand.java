package org.ckcoop.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ckcoop.common.InputException;
import org.ckcoop.eval.report.Metric;
import org.ckcoop.eval.report.PublishedNumbers;
import org.ckcoop.eval.report.Report;
import org.ckcoop.eval.report.ReportFiles;
import org.ckcoop.eval.report.ReportOptions;
import org.ckcoop.eval.report.ReportWarning;
import org.ckcoop.eval.report.TableLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ckcoop report}: the tables, charts and summary of a study's run results. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Reads every run.json under --results (any depth) and writes the field's tables (Markdown, CSV, LaTeX), PNG charts"
          + " and summary.json (every number with its seeds and run files) into --output; prints the tables.",
      "Cells are mean ± population std over seeds; (n=2/3) marks a cell missing seeds. Base-to-new HM is taken of the"
          + " seed means; the Average row is the HM of the averaged Base and New. Published ViT-B/16 numbers appear"
          + " beside ours, with the difference, when backbone, protocol, shots and datasets match. See docs/report.md."
    })
public final class ReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--results", required = true, paramLabel = "DIR", description = "Folder holding the run.json files (searched recursively).")
  Path results;

  @Option(names = "--output", paramLabel = "DIR", description = "Where to write the report (default: <results>/report).")
  Path output;

  @Option(names = "--layout", defaultValue = "learners-as-columns", paramLabel = "LAYOUT",
      description = "learners-as-columns or learners-as-rows (default: ${DEFAULT-VALUE}).")
  String layout;

  @Option(names = "--metric", defaultValue = "top1", paramLabel = "METRIC",
      description = "top1 (the field's tables) or mean-per-class (default: ${DEFAULT-VALUE}).")
  String metric;

  @Option(names = "--published", paramLabel = "FILE",
      description = "Published numbers to compare with, in the format of the built-in published-numbers.json (default: the built-in set).")
  Path published;

  @Option(names = "--no-published", description = "Compare with no published numbers.")
  boolean noPublished;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    TableLayout tableLayout = TableLayout.named(layout);
    PublishedNumbers numbers = noPublished ? PublishedNumbers.none()
        : published != null ? PublishedNumbers.read(published) : PublishedNumbers.builtIn();
    ReportOptions options = new ReportOptions(Metric.named(metric), numbers);
    Report report = Report.load(results, options);
    for (ReportWarning w : report.warnings()) {
      err.println("ckcoop report: warning: " + (w.source().isEmpty() ? "" : results.resolve(w.source()) + ": ") + w.message());
    }
    if (report.isEmpty()) {
      throw new InputException(results, "no usable run results (" + skipped(report) + "); a study writes one "
          + "run.json per run into its output folder");
    }
    Path folder = output != null ? output : results.resolve("report");
    ReportFiles files = report.write(folder, tableLayout);
    out.print(report.markdown(tableLayout));
    out.printf(Locale.ROOT, "%nwrote %s, %s and %d CSV, %d LaTeX and %d PNG files to %s%n", files.markdown().getFileName(),
        files.summary().getFileName(), files.csv().size(), files.latex().size(), files.charts().size(), folder);
    out.flush();
    return 0;
  }

  private static String skipped(Report report) {
    long skipped = report.warnings().stream().filter(w -> !w.source().isEmpty()).count();
    return skipped == 0 ? "no run.json found" : skipped + " run.json file" + (skipped == 1 ? " was" : "s were") + " skipped, see the warnings";
  }
}
