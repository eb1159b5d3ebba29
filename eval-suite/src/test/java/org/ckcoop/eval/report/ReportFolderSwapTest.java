package org.ckcoop.eval.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ckcoop.eval.report.FabricatedRuns.TINY;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.ckcoop.common.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A report replaces its folder as a whole: never a mix of old and new files. */
class ReportFolderSwapTest {
  @TempDir Path dir;

  private static Report report(String study) {
    return Report.of(List.of(FabricatedRuns.base2new(study, "coop", "coop", "EuroSAT", 1, 80, 60, TINY, 16)));
  }

  private static List<String> names(Path folder) throws Exception {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aNewReportReplacesTheOldFolderAndLeftoversOfAKilledReportAreRemoved() throws Exception {
    Path out = dir.resolve("report");
    report("first").write(out, TableLayout.LEARNERS_AS_COLUMNS);
    assertThat(names(out)).contains("first-base2new.csv", "report.md", "summary.json");

    // A killed report left a partial folder (its pid is gone); a live one's folder is not touched.
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    Path deadPartial = Files.createDirectories(dir.resolve(".report.partial-" + p.pid() + "-1"));
    Files.writeString(deadPartial.resolve("report.md"), "half");
    Path livePartial = Files.createDirectories(dir.resolve(".report.partial-" + ProcessHandle.current().parent().orElseThrow()
        .pid() + "-2"));

    ReportFiles files = report("second").write(out, TableLayout.LEARNERS_AS_COLUMNS);
    assertThat(names(out)).contains("second-base2new.csv").doesNotContain("first-base2new.csv");
    assertThat(files.markdown()).isEqualTo(out.resolve("report.md"));
    assertThat(Files.readString(files.markdown())).contains("second");
    assertThat(deadPartial).doesNotExist();
    assertThat(livePartial).isDirectory();
    assertThat(names(dir)).containsExactlyInAnyOrder("report", livePartial.getFileName().toString());
  }

  @Test
  void aFolderHoldingOtherFilesIsRefusedAndLeftAsItWas() throws Exception {
    Path out = Files.createDirectories(dir.resolve("mine"));
    Files.writeString(out.resolve("notes.txt"), "my notes");
    assertThatThrownBy(() -> report("s").write(out, TableLayout.LEARNERS_AS_COLUMNS)).isInstanceOf(InputException.class)
        .hasMessage(out + ": holds notes.txt, which is not a report file (a report replaces its whole folder, and holds"
            + " only .md, .csv, .tex, .png and .json files); nothing was written: choose another --output, or move it away");
    assertThat(names(out)).containsExactly("notes.txt");
    assertThat(names(dir)).containsExactly("mine");
  }
}
