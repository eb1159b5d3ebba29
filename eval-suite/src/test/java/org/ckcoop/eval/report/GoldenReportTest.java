package org.ckcoop.eval.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ckcoop.eval.report.FabricatedRuns.TINY;
import static org.ckcoop.eval.report.FabricatedRuns.VIT_B16;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ckcoop.eval.result.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fixed set of fabricated run.json files gives exactly the Markdown, CSV, LaTeX and JSON stored
 * under {@code src/test/resources/org/ckcoop/eval/report/golden}, in both layouts. The runs cover a
 * base-to-new study on ViT-B/16 (published numbers and differences for two datasets, a zero-shot
 * learner with one seed, a sweep variant, a cell missing a seed, a dataset named by an alias), a
 * cross-dataset study and a few-shot study on a tiny backbone.
 *
 * <p>To regenerate after an intended change: run with {@code -Dckcoop.report.updateGoldens=true}, then
 * review the diff.
 */
class GoldenReportTest {
  @TempDir Path dir;

  static List<RunResult> goldenRuns() {
    List<RunResult> runs = new ArrayList<>();
    // Base-to-new on ViT-B/16, EuroSAT and DTD ("dtd" as the runner may write it), 16 shots.
    runs.add(FabricatedRuns.base2new("golden", "zsclip", "zsclip", "EuroSAT", 1, 56.48, 64.05, VIT_B16, 16));
    runs.add(FabricatedRuns.base2new("golden", "zsclip", "zsclip", "dtd", 1, 53.24, 59.90, VIT_B16, 16));
    double[][] coop = {{92.0, 55.0, 79.0, 40.0}, {93.0, 54.0, 80.0, 42.0}, {91.0, 56.5, 78.5, 41.5}};
    double[][] ck = {{90.0, 66.0, 78.0, 56.0}, {89.5, 65.0, 77.0, 57.0}, {90.5, 67.0, 0, 0}};
    double[][] ckNoKron = {{91.0, 60.0, 79.0, 50.0}, {90.0, 61.0, 78.0, 51.0}, {92.0, 59.0, 80.0, 49.0}};
    for (int seed = 1; seed <= 3; seed++) {
      double[] c = coop[seed - 1];
      runs.add(FabricatedRuns.base2new("golden", "coop", "coop", "EuroSAT", seed, c[0], c[1], VIT_B16, 16));
      runs.add(FabricatedRuns.base2new("golden", "coop", "coop", "dtd", seed, c[2], c[3], VIT_B16, 16));
      double[] k = ck[seed - 1];
      runs.add(FabricatedRuns.base2new("golden", "ckcoop", "ckcoop", "EuroSAT", seed, k[0], k[1], VIT_B16, 16));
      if (seed < 3) {
        runs.add(FabricatedRuns.base2new("golden", "ckcoop", "ckcoop", "dtd", seed, k[2], k[3], VIT_B16, 16));
      }
      double[] n = ckNoKron[seed - 1];
      String variant = "ckcoop[learner.ckcoop.use_kronecker=false]";
      runs.add(FabricatedRuns.base2new("golden", "ckcoop", variant, "EuroSAT", seed, n[0], n[1], VIT_B16, 16));
      runs.add(FabricatedRuns.base2new("golden", "ckcoop", variant, "dtd", seed, n[2], n[3], VIT_B16, 16));
    }
    // Cross-dataset on the tiny backbone: ImageNet to Caltech101 and EuroSAT.
    runs.add(FabricatedRuns.transfer("golden", "cross-dataset", "zsclip", "zsclip", "", 1,
        ordered("ImageNet", 60.0, "Caltech101", 85.25, "EuroSAT", 40.5), TINY));
    runs.add(FabricatedRuns.transfer("golden", "cross-dataset", "coop", "coop", "ImageNet", 1,
        ordered("ImageNet", 70.0, "Caltech101", 90.0, "EuroSAT", 45.0), TINY));
    runs.add(FabricatedRuns.transfer("golden", "cross-dataset", "coop", "coop", "ImageNet", 2,
        ordered("ImageNet", 71.0, "Caltech101", 91.5, "EuroSAT", 44.0), TINY));
    // Few-shot on the tiny backbone: EuroSAT and Food101, 1 and 4 shots.
    runs.add(FabricatedRuns.fewShot("golden", "zsclip", "zsclip", "EuroSAT", 0, 1, 40.5, TINY));
    runs.add(FabricatedRuns.fewShot("golden", "zsclip", "zsclip", "Food101", 0, 1, 80.0, TINY));
    for (int seed = 1; seed <= 2; seed++) {
      runs.add(FabricatedRuns.fewShot("golden", "coop", "coop", "EuroSAT", 1, seed, seed == 1 ? 50.0 : 54.0, TINY));
      runs.add(FabricatedRuns.fewShot("golden", "coop", "coop", "EuroSAT", 4, seed, seed == 1 ? 70.0 : 71.0, TINY));
      runs.add(FabricatedRuns.fewShot("golden", "coop", "coop", "Food101", 1, seed, seed == 1 ? 75.0 : 76.0, TINY));
      runs.add(FabricatedRuns.fewShot("golden", "coop", "coop", "Food101", 4, seed, seed == 1 ? 78.0 : 79.5, TINY));
    }
    return runs;
  }

  private static Map<String, Double> ordered(Object... pairs) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], (Double) pairs[i + 1]);
    }
    return m;
  }

  /** Writes the golden runs as run.json files in a study-like folder tree. */
  static Path writeRuns(Path results) {
    for (RunResult r : goldenRuns()) {
      String trained = r.trainDataset().isEmpty() ? "zero-shot-" + r.tests().get(0).dataset() : r.trainDataset();
      r.write(results.resolve(r.protocol()).resolve(r.variant()).resolve(trained + "-" + r.shots() + "shot")
          .resolve("seed" + r.seed()).resolve(RunResult.FILE_NAME));
    }
    return results;
  }

  @Test
  void fabricatedRunFilesGiveTheGoldenFilesInBothLayouts() throws IOException {
    Path results = writeRuns(dir.resolve("results"));
    Report report = Report.load(results);
    assertThat(report.warnings()).isEmpty();
    assertThat(report.sections()).extracting(ReportSection::stem)
        .containsExactly("golden-base2new", "golden-cross-dataset", "golden-few-shot");
    for (TableLayout layout : TableLayout.values()) {
      Path out = dir.resolve("out-" + layout.optionName());
      ReportFiles files = ReportWriter.write(results, out, layout);
      String suffix = layout == TableLayout.LEARNERS_AS_COLUMNS ? "columns" : "rows";
      check("report-" + suffix + ".md", files.markdown());
      for (Path csv : files.csv()) {
        check(csv.getFileName().toString().replace(".csv", "-" + suffix + ".csv"), csv);
      }
      for (Path tex : files.latex()) {
        check(tex.getFileName().toString().replace(".tex", "-" + suffix + ".tex"), tex);
      }
      check("summary.json", files.summary());
    }
  }

  private static void check(String golden, Path actualFile) throws IOException {
    String actual = Files.readString(actualFile, StandardCharsets.UTF_8);
    if (Boolean.getBoolean("ckcoop.report.updateGoldens")) {
      Path target = Path.of(System.getProperty("ckcoop.repo.dir"), "eval-suite/src/test/resources/org/ckcoop/eval/report/golden", golden);
      Files.createDirectories(target.getParent());
      Files.writeString(target, actual, StandardCharsets.UTF_8);
      return;
    }
    try (InputStream in = GoldenReportTest.class.getResourceAsStream("golden/" + golden)) {
      assertThat(in).as("golden file " + golden + " (regenerate with -Dckcoop.report.updateGoldens=true)").isNotNull();
      assertThat(actual).as(golden).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
