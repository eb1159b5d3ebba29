package org.ckcoop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ckcoop.eval.report.FabricatedRuns;
import org.ckcoop.eval.result.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReportCommandTest {
  @TempDir Path dir;

  private int run(StringWriter out, StringWriter err, String... args) {
    CommandLine cli = CkcoopCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void writesTheReportPrintsTheTablesAndNamesSkippedFiles() throws Exception {
    Path results = dir.resolve("results");
    for (int seed = 1; seed <= 2; seed++) {
      FabricatedRuns.base2new("cli", "coop", "coop", "EuroSAT", seed, 90 + seed, 60, FabricatedRuns.TINY, 16)
          .write(results.resolve("coop/seed" + seed + "/run.json"));
      FabricatedRuns.base2new("cli", "kgcoop", "kgcoop", "EuroSAT", seed, 88, 64 + seed, FabricatedRuns.TINY, 16)
          .write(results.resolve("kgcoop/seed" + seed + "/run.json"));
    }
    Files.createDirectories(results.resolve("kgcoop/seed3"));
    Files.writeString(results.resolve("kgcoop/seed3/run.json"), "{\"format\" : 1, \"study\" : \"cli\", ");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Path output = dir.resolve("report");
    int code = run(out, err, "report", "--results", results.toString(), "--output", output.toString(), "--layout", "learners-as-rows");
    assertThat(code).as(err.toString()).isZero();
    assertThat(err.toString()).contains("ckcoop report: warning: " + results.resolve("kgcoop/seed3/run.json") + ": skipped: not a readable run result")
        .contains("Unexpected end-of-input within/between Object entries at [line: 1, column: 33]");
    assertThat(out.toString())
        .contains("## cli: base-to-new generalization, 16 shots")
        .contains("| EuroSAT | coop    | 91.50 ± 0.50 | 60.00 ± 0.00 | 72.48 |")
        .contains("|         | kgcoop  | 88.00 ± 0.00 | 65.50 ± 0.50 | 75.10 |")
        .contains("wrote report.md, summary.json and 1 CSV, 1 LaTeX and 1 PNG files to " + output);
    assertThat(output.resolve("cli-base2new.csv")).content().startsWith("Dataset,Learner,Base,Base std,Base n,New,New std,New n,HM,HM std,HM n\n"
        + "EuroSAT,coop,91.50,0.50,2/2,60.00,0.00,2/2,72.48,,2/2\n");
    assertThat(output.resolve("cli-base2new.tex")).exists();
    assertThat(output.resolve("cli-base2new.png")).exists();
    assertThat(output.resolve("summary.json")).content().contains("\"runs\" : [ \"coop/seed1/run.json\", \"coop/seed2/run.json\" ]");
  }

  @Test
  void anEmptyFolderAndABadLayoutAreUserErrors() throws Exception {
    Files.createDirectories(dir.resolve("empty"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertThat(run(out, err, "report", "--results", dir.resolve("empty").toString())).isEqualTo(2);
    assertThat(err.toString()).contains(dir.resolve("empty") + ": no usable run results (no run.json found)");
    StringWriter err2 = new StringWriter();
    assertThat(run(new StringWriter(), err2, "report", "--results", dir.toString(), "--layout", "diagonal")).isEqualTo(2);
    assertThat(err2.toString()).contains("--layout: unknown layout 'diagonal' (known: learners-as-columns, learners-as-rows)");
    StringWriter err3 = new StringWriter();
    assertThat(run(new StringWriter(), err3, "report", "--results", dir.resolve("nowhere").toString())).isEqualTo(2);
    assertThat(err3.toString()).contains("nowhere: no such folder");
  }
}
