package org.ckcoop.eval.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.ckcoop.eval.report.ReportSection.AVERAGE;
import static org.ckcoop.eval.report.ReportSection.BASE;
import static org.ckcoop.eval.report.ReportSection.HM;
import static org.ckcoop.eval.report.ReportSection.NEW;

import java.util.ArrayList;
import java.util.List;
import org.ckcoop.eval.report.ReportSection.Key;
import org.ckcoop.eval.result.RunResult;
import org.junit.jupiter.api.Test;

/** Mean and standard deviation over seeds, and what the HM is taken of, with hand-computed numbers. */
class SeedStatisticsTest {
  @Test
  void meanPopulationAndSampleStdOverThreeSeeds() {
    // 70, 72, 77: mean 73; squared deviations 9 + 1 + 16 = 26; population std sqrt(26/3), sample std sqrt(13).
    Figure f = Figure.ofSeeds(List.of(1L, 2L, 3L), List.of(70.0, 72.0, 77.0), 3, List.of("a", "b", "c"));
    assertThat(f.value()).isEqualTo(73.0);
    assertThat(f.std()).isCloseTo(2.943920288775949, within(1e-12));
    assertThat(f.sampleStd()).isCloseTo(3.605551275463989, within(1e-12));
    assertThat(f.n()).isEqualTo(3);
    assertThat(f.incomplete()).isFalse();
    assertThat(f.hasSpread()).isTrue();
    assertThat(MarkdownFormat.cell(ReportTable.Cell.of(f))).isEqualTo("73.00 ± 2.94");

    Figure two = Figure.ofSeeds(List.of(1L, 3L), List.of(70.0, 77.0), 3, List.of("a", "c"));
    assertThat(two.std()).isEqualTo(3.5);
    assertThat(two.incomplete()).isTrue();
    assertThat(MarkdownFormat.cell(ReportTable.Cell.of(two))).isEqualTo("73.50 ± 3.50 (n=2/3)");

    Figure one = Figure.ofSeeds(List.of(1L), List.of(70.0), 1, List.of("a"));
    assertThat(one.std()).isZero();
    assertThat(one.sampleStd()).isNaN();
    assertThat(MarkdownFormat.cell(ReportTable.Cell.of(one))).isEqualTo("70.00");
  }

  @Test
  void theHmIsTakenOfTheSeedMeansNotAveragedOverSeeds() {
    // base 80/90/70 (mean 80), new 40/60/80 (mean 60): HM of means = 2*80*60/140 = 68.571...,
    // while the mean of per-seed HMs would be (53.33 + 72 + 74.67) / 3 = 66.67.
    double[] base = {80, 90, 70};
    double[] news = {40, 60, 80};
    List<RunResult> runs = new ArrayList<>();
    for (int seed = 1; seed <= 3; seed++) {
      runs.add(FabricatedRuns.base2new("s", "coop", "coop", "EuroSAT", seed, base[seed - 1], news[seed - 1], FabricatedRuns.TINY, 16));
      runs.add(FabricatedRuns.base2new("s", "coop", "coop", "Food101", seed, 90, 70, FabricatedRuns.TINY, 16));
    }
    ReportSection s = Report.of(runs).sections().get(0);
    Figure b = s.figure(new Key("coop", "EuroSAT", BASE, 0)).orElseThrow();
    assertThat(b.value()).isEqualTo(80.0);
    assertThat(b.std()).isCloseTo(Math.sqrt(200.0 / 3), within(1e-12));
    assertThat(b.seeds()).containsExactly(1L, 2L, 3L);
    assertThat(b.values()).containsExactly(80.0, 90.0, 70.0);
    assertThat(s.figure(new Key("coop", "EuroSAT", NEW, 0)).orElseThrow().std()).isCloseTo(Math.sqrt(800.0 / 3), within(1e-12));
    Figure hm = s.figure(new Key("coop", "EuroSAT", HM, 0)).orElseThrow();
    assertThat(hm.value()).isCloseTo(480.0 / 7, within(1e-12));
    assertThat(hm.derived()).isTrue();
    assertThat(hm.std()).isNaN();
    // Average over the two datasets: base (80 + 90) / 2 = 85, new (60 + 70) / 2 = 65, HM = 2*85*65/150.
    assertThat(s.figure(new Key("coop", AVERAGE, BASE, 0)).orElseThrow().value()).isEqualTo(85.0);
    assertThat(s.figure(new Key("coop", AVERAGE, NEW, 0)).orElseThrow().value()).isEqualTo(65.0);
    assertThat(s.figure(new Key("coop", AVERAGE, HM, 0)).orElseThrow().value()).isCloseTo(2 * 85.0 * 65 / 150, within(1e-12));
    assertThat(s.figure(new Key("coop", AVERAGE, HM, 0)).orElseThrow().runs()).hasSize(6);
  }

  @Test
  void numbersAreRoundedHalfToEvenOnTheirBinaryValueAsPythonPrintsThem() {
    assertThat(Numbers.fixed2(0.125)).isEqualTo("0.12");   // exactly representable: half to even
    assertThat(Numbers.fixed2(0.375)).isEqualTo("0.38");
    assertThat(Numbers.fixed2(71.655)).isEqualTo("71.66"); // binary 71.65500000000000113...
    assertThat(Numbers.fixed2(2.675)).isEqualTo("2.67");   // binary 2.67499999999999982...
    assertThat(Numbers.fixed2(-0.001)).isEqualTo("0.00");
    assertThat(Numbers.signed2(-0.001)).isEqualTo("0.00");
    assertThat(Numbers.signed2(0.254)).isEqualTo("+0.25");
    assertThat(Numbers.signed2(-1.026)).isEqualTo("-1.03");
    assertThat(Numbers.fixed2(100)).isEqualTo("100.00");
  }
}
