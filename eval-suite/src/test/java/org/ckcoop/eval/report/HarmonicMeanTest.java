package org.ckcoop.eval.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.ckcoop.eval.report.ReportSection.AVERAGE;
import static org.ckcoop.eval.report.ReportSection.BASE;
import static org.ckcoop.eval.report.ReportSection.HM;
import static org.ckcoop.eval.report.ReportSection.NEW;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ckcoop.eval.report.ReportSection.Key;
import org.ckcoop.eval.result.RunResult;
import org.junit.jupiter.api.Test;

/**
 * The base-to-new arithmetic against the field's published tables: the per-dataset Base/New of
 * methods.md 7.2 fed as one-seed runs must give the per-dataset HM = 2BN/(B+N) and the Average row
 * of 7.1 (average Base, average New, HM of those; not the mean of per-dataset HMs).
 */
class HarmonicMeanTest {
  /** Table 7.1 of the notes, typed in here independently of the data file. */
  private static final Map<String, double[]> PUBLISHED_AVERAGES = Map.of(
      "zsclip", new double[] {69.34, 74.22, 71.70},
      "coop", new double[] {82.69, 63.22, 71.66},
      "cocoop", new double[] {80.47, 71.69, 75.83},
      "prograd", new double[] {82.48, 70.75, 76.16},
      "kgcoop", new double[] {80.73, 73.60, 77.00},
      // the MaPLe and PromptSRC READMEs' averages, reproduced from the per-dataset rows
      "maple", new double[] {82.28, 75.14, 78.55},
      "promptsrc", new double[] {84.26, 76.10, 79.97});

  private static final PublishedNumbers PUBLISHED = PublishedNumbers.builtIn();

  /** The published per-dataset numbers as runs of our learners on our dataset names. */
  static List<RunResult> publishedAsRuns(RunResult.BackboneInfo backbone, int shots) {
    PublishedNumbers.Table table = PUBLISHED.tables(ReportProtocol.BASE2NEW).get(0);
    List<RunResult> runs = new ArrayList<>();
    PUBLISHED.methods().forEach((learner, method) -> PUBLISHED.datasets().forEach((ours, theirs) -> {
      var base = table.value(method, theirs, BASE);
      var news = table.value(method, theirs, NEW);
      if (base.isPresent()) {
        runs.add(FabricatedRuns.base2new("published", learner, learner, ours, 1, base.getAsDouble(), news.getAsDouble(), backbone, shots));
      }
    }));
    return runs;
  }

  @Test
  void theAverageRowReproducesThePublishedAveragesAndEachHmIsTheHmOfTheMeans() {
    Report report = Report.of(publishedAsRuns(FabricatedRuns.VIT_B16, 16));
    assertThat(report.warnings()).isEmpty();
    assertThat(report.sections()).hasSize(1);
    ReportSection s = report.sections().get(0);
    assertThat(s.datasets()).hasSize(11);
    assertThat(s.variants()).extracting(ReportSection.Variant::name).containsExactly("zsclip", "coop", "cocoop", "prograd", "kgcoop",
        "maple", "promptsrc");
    PublishedNumbers.Table table = PUBLISHED.tables(ReportProtocol.BASE2NEW).get(0);
    PUBLISHED_AVERAGES.forEach((learner, expected) -> {
      assertThat(s.figure(new Key(learner, AVERAGE, BASE, 0)).orElseThrow().value()).as(learner + " base").isCloseTo(expected[0], within(0.02));
      assertThat(s.figure(new Key(learner, AVERAGE, NEW, 0)).orElseThrow().value()).as(learner + " new").isCloseTo(expected[1], within(0.02));
      assertThat(s.figure(new Key(learner, AVERAGE, HM, 0)).orElseThrow().value()).as(learner + " hm").isCloseTo(expected[2], within(0.02));
      for (String d : s.datasets()) {
        double b = s.figure(new Key(learner, d, BASE, 0)).orElseThrow().value();
        double n = s.figure(new Key(learner, d, NEW, 0)).orElseThrow().value();
        double hm = s.figure(new Key(learner, d, HM, 0)).orElseThrow().value();
        assertThat(hm).isEqualTo(2 * b * n / (b + n));
        String method = PUBLISHED.method(learner).orElseThrow();
        assertThat(hm).as(learner + " " + d).isCloseTo(table.value(method, PUBLISHED.tableDataset(d).orElseThrow(), HM).getAsDouble(), within(0.01));
      }
    });
    // CoOp's HM of averages (71.66) is far from the mean of its per-dataset HMs (~70.83): the rule matters.
    double meanOfHms = s.datasets().stream().mapToDouble(d -> s.figure(new Key("coop", d, HM, 0)).orElseThrow().value()).average().orElseThrow();
    assertThat(meanOfHms).isCloseTo(70.83, within(0.01));
    assertThat(s.figure(new Key("coop", AVERAGE, HM, 0)).orElseThrow().value()).isCloseTo(71.66, within(0.01));
  }

  @Test
  void publishedNumbersAppearWithTheirDifferenceForTheMatchingBackboneAndShotsOnly() {
    ReportSection b16 = Report.of(publishedAsRuns(FabricatedRuns.VIT_B16, 16)).sections().get(0);
    // Same numbers as the paper: every difference is (almost) zero, the Average is compared (same 11 datasets).
    assertThat(b16.comparisons()).hasSize(7 * 12 * 3);
    b16.comparisons().values().forEach(c -> assertThat(c.difference().getAsDouble()).as(c.toString()).isCloseTo(0, within(0.02)));
    ReportSection.Comparison coopAverage = b16.comparisons().get(new Key("coop", AVERAGE, HM, 0));
    assertThat(coopAverage.method()).isEqualTo("CoOp");
    assertThat(coopAverage.published()).isEqualTo(71.66);
    String columns = Report.of(publishedAsRuns(FabricatedRuns.VIT_B16, 16)).markdown(TableLayout.LEARNERS_AS_COLUMNS);
    assertThat(columns).contains("CoOp (published)", "Δ coop", "KgCoOp (published)", "CLIP (published)",
        "MaPLe (published)", "PromptSRC (published)", "Δ promptsrc");

    Report tiny = Report.of(publishedAsRuns(FabricatedRuns.TINY, 16));
    assertThat(tiny.sections().get(0).comparisons()).isEmpty();
    assertThat(tiny.sections().get(0).notes()).anyMatch(n -> n.startsWith("Published numbers (vit-b-16) are not shown: this backbone's architecture is ViT 32px/8"));
    assertThat(tiny.markdown(TableLayout.LEARNERS_AS_COLUMNS)).doesNotContain("(published)").doesNotContain("Δ");

    Report fourShots = Report.of(publishedAsRuns(FabricatedRuns.VIT_B16, 4));
    assertThat(fourShots.sections().get(0).comparisons()).isEmpty();
    assertThat(fourShots.sections().get(0).notes()).contains("Published numbers are not shown: they are for 16 shots, these runs trained on 4.");
  }

  @Test
  void aSubsetOfDatasetsIsComparedPerDatasetButNotOnTheAverage() {
    List<RunResult> some = publishedAsRuns(FabricatedRuns.VIT_B16, 16).stream()
        .filter(r -> List.of("EuroSAT", "DescribableTextures").contains(r.tests().get(0).dataset())).toList();
    ReportSection s = Report.of(some).sections().get(0);
    assertThat(s.comparisons().get(new Key("coop", "EuroSAT", HM, 0)).published()).isEqualTo(68.69);
    assertThat(s.comparisons().get(new Key("coop", "DescribableTextures", BASE, 0)).tableDataset()).isEqualTo("DTD");
    assertThat(s.comparisons()).doesNotContainKey(new Key("coop", AVERAGE, HM, 0));
    assertThat(s.figure(new Key("coop", AVERAGE, HM, 0))).isPresent();
    assertThat(s.notes()).anyMatch(n -> n.startsWith("The published average is over 11 datasets"));
  }
}
