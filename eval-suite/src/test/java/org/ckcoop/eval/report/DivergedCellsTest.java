package org.ckcoop.eval.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ckcoop.eval.report.FabricatedRuns.TINY;
import static org.ckcoop.eval.report.ReportSection.AVERAGE;
import static org.ckcoop.eval.report.ReportSection.BASE;
import static org.ckcoop.eval.report.ReportSection.HM;
import static org.ckcoop.eval.report.ReportSection.NEW;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ckcoop.eval.report.ReportSection.Key;
import org.ckcoop.eval.result.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A diverged run's cells, and the HM and averages built on them, read "diverged" in every format. */
class DivergedCellsTest {
  @TempDir Path dir;

  static RunResult diverged(RunResult finished) {
    RunResult.Divergence d = new RunResult.Divergence(2, 3, 1, 2.5, "/x/checkpoint.safetensors", "training diverged: ...",
        finished.tests().stream().map(t -> new RunResult.TestSet(t.dataset(), t.subset())).toList());
    return new RunResult(finished.format(), finished.study(), finished.protocol(), finished.learner(), finished.variant(),
        finished.overrides(), finished.trainDataset(), finished.shots(), finished.seed(), finished.backbone(), List.of(),
        finished.provenance(), finished.trainSplitSource(), finished.timings(), RunResult.DIVERGED, d);
  }

  @Test
  void aDivergedSeedMakesItsCellsHmAndAverageDivergedAndLeavesTheRestAlone() throws Exception {
    Path results = dir.resolve("results");
    List<RunResult> runs = new ArrayList<>();
    for (int seed = 1; seed <= 2; seed++) {
      runs.add(FabricatedRuns.base2new("s", "coop", "coop", "EuroSAT", seed, 80 + seed, 60 + seed, TINY, 16));
      RunResult food = FabricatedRuns.base2new("s", "coop", "coop", "Food101", seed, 70 + seed, 50 + seed, TINY, 16);
      runs.add(seed == 2 ? diverged(food) : food);
      runs.add(FabricatedRuns.base2new("s", "zsclip", "zsclip", "Food101", seed, 60, 55, TINY, 16));
      runs.add(FabricatedRuns.base2new("s", "zsclip", "zsclip", "EuroSAT", seed, 50, 45, TINY, 16));
    }
    for (int i = 0; i < runs.size(); i++) {
      runs.get(i).write(results.resolve("run" + i).resolve(RunResult.FILE_NAME));
    }
    Report report = Report.load(results);
    assertThat(report.warnings()).isEmpty();
    ReportSection s = report.sections().get(0);
    for (Key k : List.of(new Key("coop", "Food101", BASE, 0), new Key("coop", "Food101", NEW, 0),
        new Key("coop", "Food101", HM, 0), new Key("coop", AVERAGE, BASE, 0), new Key("coop", AVERAGE, NEW, 0),
        new Key("coop", AVERAGE, HM, 0))) {
      assertThat(s.diverged(k)).as(k.toString()).isTrue();
      assertThat(s.figure(k)).as(k.toString()).isEmpty();
      assertThat(s.divergedCells().get(k)).containsExactly("run5/run.json");
    }
    assertThat(s.figure(new Key("coop", "EuroSAT", HM, 0))).isPresent();
    assertThat(s.figure(new Key("zsclip", AVERAGE, HM, 0))).isPresent();
    assertThat(s.notes()).contains("coop: training diverged for Food101 base (seed 2), Food101 new (seed 2); those cells, and the HM"
        + " and averages computed from them, show diverged, not the other seeds' mean (run5/run.json).");
    assertThat(s.notes()).noneMatch(n -> n.contains("missing for") || n.contains("no result for"));

    String markdown = report.markdown(TableLayout.LEARNERS_AS_COLUMNS);
    assertThat(markdown).containsPattern("\\| Food101 +\\| Base +\\| +60\\.00 ± 0\\.00 \\| +diverged \\|")
        .containsPattern("\\| +\\| HM +\\| +[0-9.]+ \\| +diverged \\|")
        .containsPattern("\\| Average +\\| Base +\\| +[0-9.]+ \\| +diverged \\|");
    ReportFiles files = report.write(dir.resolve("report"), TableLayout.LEARNERS_AS_COLUMNS);
    String csv = Files.readString(files.csv().get(0));
    assertThat(csv).contains("Food101,Base,60.00,0.00,2/2,diverged,,").contains("Average,HM,");
    assertThat(Files.readString(files.latex().get(0))).contains("\\textit{diverged}");
    assertThat(Files.readString(files.summary())).contains("\"divergedCells\"").contains("\"divergedRuns\" : [ \"run5/run.json\" ]");
  }
}
