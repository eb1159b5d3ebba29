package org.ckcoop.eval.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.ckcoop.eval.result.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PNG charts: valid PNGs of the documented size, deterministic, and different when the data are. */
class ReportChartsTest {
  @TempDir Path dir;

  private static List<RunResult> runs(double coopEuroSatBaseSeed2) {
    List<RunResult> runs = new ArrayList<>();
    for (int seed = 1; seed <= 3; seed++) {
      runs.add(FabricatedRuns.base2new("c", "coop", "coop", "EuroSAT", seed, seed == 2 ? coopEuroSatBaseSeed2 : 90, 55, FabricatedRuns.TINY, 16));
      runs.add(FabricatedRuns.base2new("c", "coop", "coop", "Food101", seed, 85, 80, FabricatedRuns.TINY, 16));
      runs.add(FabricatedRuns.base2new("c", "ckcoop", "ckcoop", "EuroSAT", seed, 88 + seed, 60, FabricatedRuns.TINY, 16));
    }
    runs.add(FabricatedRuns.base2new("c", "zsclip", "zsclip", "EuroSAT", 1, 50, 60, FabricatedRuns.TINY, 16));
    return runs;
  }

  @Test
  void theChartFileIsAPngOfThreePanelsForBaseToNewAndChangesWithTheData() throws Exception {
    Report report = Report.of(runs(92));
    ReportFiles files = report.write(dir.resolve("a"), TableLayout.LEARNERS_AS_COLUMNS);
    assertThat(files.charts()).singleElement().satisfies(p -> assertThat(p.getFileName().toString()).isEqualTo("c-base2new.png"));
    byte[] bytes = Files.readAllBytes(files.charts().get(0));
    assertThat(bytes).startsWith(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
    assertThat(image).isNotNull();
    assertThat(image.getWidth()).isEqualTo(ReportCharts.PANEL_WIDTH);
    assertThat(image.getHeight()).isEqualTo(3 * ReportCharts.PANEL_HEIGHT);
    assertThat(distinctColours(image)).isGreaterThan(10);

    // Same data, same bytes; one seed's accuracy changed, other pixels.
    assertThat(Report.of(runs(92)).chartPng(Report.of(runs(92)).sections().get(0))).isEqualTo(bytes);
    Report changed = Report.of(runs(60));
    BufferedImage other = ImageIO.read(new ByteArrayInputStream(changed.chartPng(changed.sections().get(0))));
    assertThat(other.getWidth()).isEqualTo(image.getWidth());
    assertThat(other.getHeight()).isEqualTo(image.getHeight());
    assertThat(differingPixels(image, other)).isGreaterThan(100);
    assertThat(files.markdown()).content().contains("![c: base-to-new generalization, 16 shots](c-base2new.png)");
  }

  @Test
  void fewShotHasOnePanelPerDatasetAndTheAverageAndTransferOne() throws Exception {
    List<RunResult> runs = new ArrayList<>();
    for (String d : List.of("EuroSAT", "Food101", "DescribableTextures")) {
      for (int shots : new int[] {1, 2, 4}) {
        runs.add(FabricatedRuns.fewShot("f", "coop", "coop", d, shots, 1, 40 + 10 * shots, FabricatedRuns.TINY));
      }
    }
    runs.add(FabricatedRuns.transfer("f", "cross-dataset", "coop", "coop", "ImageNet", 1,
        java.util.Map.of("ImageNet", 70.0, "EuroSAT", 40.0), FabricatedRuns.TINY));
    Report report = Report.of(runs);
    assertThat(report.sections()).extracting(ReportSection::protocol)
        .containsExactly(ReportProtocol.CROSS_DATASET, ReportProtocol.FEW_SHOT);
    BufferedImage transfer = ImageIO.read(new ByteArrayInputStream(report.chartPng(report.sections().get(0))));
    assertThat(transfer.getHeight()).isEqualTo(ReportCharts.PANEL_HEIGHT);
    BufferedImage fewShot = ImageIO.read(new ByteArrayInputStream(report.chartPng(report.sections().get(1))));
    assertThat(fewShot.getHeight()).isEqualTo(4 * ReportCharts.PANEL_HEIGHT);
    assertThat(fewShot.getWidth()).isEqualTo(ReportCharts.PANEL_WIDTH);
  }

  private static long distinctColours(BufferedImage image) {
    java.util.Set<Integer> colours = new java.util.HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 3) {
      for (int x = 0; x < image.getWidth(); x += 3) {
        colours.add(image.getRGB(x, y));
      }
    }
    return colours.size();
  }

  private static long differingPixels(BufferedImage a, BufferedImage b) {
    long n = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        if (a.getRGB(x, y) != b.getRGB(x, y)) {
          n++;
        }
      }
    }
    return n;
  }
}
