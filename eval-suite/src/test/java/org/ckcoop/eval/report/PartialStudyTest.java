package org.ckcoop.eval.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ckcoop.eval.report.FabricatedRuns.TINY;
import static org.ckcoop.eval.report.FabricatedRuns.VIT_B16;
import static org.ckcoop.eval.report.ReportSection.ACCURACY;
import static org.ckcoop.eval.report.ReportSection.AVERAGE;
import static org.ckcoop.eval.report.ReportSection.BASE;
import static org.ckcoop.eval.report.ReportSection.TARGET_AVERAGE;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ckcoop.common.InputException;
import org.ckcoop.eval.report.ReportSection.Key;
import org.ckcoop.eval.result.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Studies that are partly finished, files that cannot be read, results that must not be merged. */
class PartialStudyTest {
  @TempDir Path dir;

  private static List<RunResult> threeSeeds(String variant, RunResult.BackboneInfo backbone) {
    List<RunResult> runs = new ArrayList<>();
    for (int seed = 1; seed <= 3; seed++) {
      runs.add(FabricatedRuns.base2new("s", "coop", variant, "EuroSAT", seed, 80 + seed, 60 + seed, backbone, 16));
      runs.add(FabricatedRuns.base2new("s", "coop", variant, "Food101", seed, 70 + seed, 50 + seed, backbone, 16));
    }
    return runs;
  }

  @Test
  void missingSeedsAreMarkedAndAnUnreadableFileIsNamedAndSkipped() throws Exception {
    Path results = dir.resolve("results");
    List<RunResult> runs = threeSeeds("coop", TINY);
    for (int i = 0; i < runs.size(); i++) {
      runs.get(i).write(results.resolve("run" + i).resolve(RunResult.FILE_NAME));
    }
    // Seed 3 of Food101 (run5) is cut short: a partial file, skipped with a warning naming it.
    Path broken = results.resolve("run5").resolve(RunResult.FILE_NAME);
    String text = Files.readString(broken);
    Files.writeString(broken, text.substring(0, text.length() / 3));
    // A result that lost its tests is also skipped.
    RunResult r = runs.get(1);
    new RunResult(r.format(), r.study(), r.protocol(), r.learner(), r.variant(), r.overrides(), r.trainDataset(), r.shots(), 9,
        r.backbone(), List.of(), r.provenance(), r.timings()).write(results.resolve("empty/run.json"));

    Report report = Report.load(results);
    assertThat(report.warnings()).extracting(ReportWarning::source).containsExactly("empty/run.json", "run5/run.json");
    assertThat(report.warnings().get(0).message()).isEqualTo("skipped, incomplete run result: no test results");
    assertThat(report.warnings().get(1).message()).startsWith("skipped: not a readable run result");
    ReportSection s = report.sections().get(0);
    assertThat(s.seeds()).containsExactly(1L, 2L, 3L);
    Figure food = s.figure(new Key("coop", "Food101", BASE, 0)).orElseThrow();
    assertThat(food.n()).isEqualTo(2);
    assertThat(food.expected()).isEqualTo(3);
    assertThat(food.value()).isEqualTo(71.5);
    assertThat(s.figure(new Key("coop", AVERAGE, BASE, 0)).orElseThrow().incomplete()).isTrue();
    assertThat(s.figure(new Key("coop", "EuroSAT", BASE, 0)).orElseThrow().incomplete()).isFalse();
    String md = report.markdown(TableLayout.LEARNERS_AS_COLUMNS);
    assertThat(md).contains("| Food101 | Base | 71.50 ± 0.50 (n=2/3) |");
    assertThat(md).contains("- coop: seed 3 missing for Food101 base, Food101 new (marked n=k/K: averaged over the seeds present).");
    assertThat(md).contains("## Warnings", "- run5/run.json: skipped: not a readable run result");
  }

  @Test
  void aMissingDatasetLeavesTheAverageEmptyAndSaysWhy() {
    List<RunResult> runs = new ArrayList<>(threeSeeds("coop", TINY));
    runs.add(FabricatedRuns.base2new("s", "zsclip", "zsclip", "EuroSAT", 1, 50, 60, TINY, 16));
    ReportSection s = Report.of(runs).sections().get(0);
    assertThat(s.figure(new Key("zsclip", AVERAGE, BASE, 0))).isEmpty();
    assertThat(s.figure(new Key("coop", AVERAGE, BASE, 0))).isPresent();
    assertThat(s.notes()).contains("zsclip: no result for Food101 base, Food101 new; its average is not computed.");
    String md = Report.of(runs).markdown(TableLayout.LEARNERS_AS_COLUMNS);
    assertThat(md).containsPattern("\\| Average \\| Base \\| +- \\| +77\\.00 \\|");
  }

  @Test
  void differentConfigurationsUnderOneVariantLabelAreRefusedNamingBothFiles() {
    List<RunResult> runs = new ArrayList<>(threeSeeds("coop", TINY));
    RunResult other = FabricatedRuns.base2new("s", "coop", "coop", "EuroSAT", 2, 10, 10, TINY, 16);
    var p = other.provenance();
    runs.add(new RunResult(other.format(), other.study(), other.protocol(), other.learner(), other.variant(), other.overrides(),
        other.trainDataset(), other.shots(), other.seed(), other.backbone(), other.tests(),
        new org.ckcoop.core.train.RunProvenance(p.learner(), p.resolvedConfig(), "another-hash", p.backboneIdentity(), p.dataIdentity(),
            p.seed(), p.versions()), other.timings()));
    List<SourcedRun> sourced = FabricatedRuns.sourced(runs);
    assertThatThrownBy(() -> Report.of(sourced, List.of(), ReportOptions.defaults()))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("r02/run.json and r06/run.json")
        .hasMessageContaining("two results for coop on EuroSAT base, seed 2 from different configurations")
        .hasMessageContaining("another-hash");
  }

  @Test
  void theSameConfigurationWithOtherNumbersIsRefusedAndAnExactCopyIsCountedOnceWithAWarning() {
    List<RunResult> runs = new ArrayList<>(threeSeeds("coop", TINY));
    runs.add(threeSeeds("coop", TINY).get(0));
    Report report = Report.of(FabricatedRuns.sourced(runs), List.of(), ReportOptions.defaults());
    assertThat(report.warnings()).extracting(Object::toString)
        .containsExactly("r06/run.json: the same run as r00/run.json (same config hash and accuracies for coop on EuroSAT base, seed 1): counted once");
    assertThat(report.sections().get(0).figure(new Key("coop", "EuroSAT", BASE, 0)).orElseThrow().n()).isEqualTo(3);

    List<RunResult> changed = new ArrayList<>(threeSeeds("coop", TINY));
    changed.add(FabricatedRuns.base2new("s", "coop", "coop", "EuroSAT", 1, 12, 34, TINY, 16));
    assertThatThrownBy(() -> Report.of(FabricatedRuns.sourced(changed), List.of(), ReportOptions.defaults()))
        .hasMessageContaining("r00/run.json and r06/run.json").hasMessageContaining("different accuracies (81.0 vs 12.0)");
  }

  @Test
  void mixedBackbonesAreReportedAsSeparateSectionsWithAWarning() {
    List<RunResult> runs = new ArrayList<>(threeSeeds("coop", TINY));
    runs.addAll(threeSeeds("coop", VIT_B16));
    Report report = Report.of(runs);
    assertThat(report.sections()).hasSize(2);
    assertThat(report.sections()).extracting(s -> s.backbone().name()).containsExactly("ViT-B-16", "tiny-clip");
    assertThat(report.sections()).extracting(ReportSection::stem)
        .containsExactly("s-base2new-16shot-b16identity0", "s-base2new-16shot-tinyidentity");
    assertThat(report.sections()).allSatisfy(s -> assertThat(s.figure(new Key("coop", "EuroSAT", BASE, 0)).orElseThrow().n()).isEqualTo(3));
    assertThat(report.warnings()).singleElement().asString()
        .startsWith("study s / base2new has runs on 2 different backbones (ViT-B-16 identity b16identity0; tiny-clip identity tinyidentity)")
        .endsWith("reported as separate sections, never averaged together");
  }

  @Test
  void differingTestSplitsBetweenLearnersAreWarnedAbout() {
    List<RunResult> runs = new ArrayList<>(threeSeeds("coop", TINY));
    RunResult z = FabricatedRuns.base2new("s", "zsclip", "zsclip", "EuroSAT", 1, 50, 60, TINY, 16);
    List<RunResult.TestResult> tests = List.of(
        new RunResult.TestResult("EuroSAT", "base", "another-split", 5, 90, 50, 50, null), z.tests().get(1));
    runs.add(new RunResult(z.format(), z.study(), z.protocol(), z.learner(), z.variant(), z.overrides(), z.trainDataset(), z.shots(),
        z.seed(), z.backbone(), tests, z.provenance(), z.timings()));
    Report report = Report.of(FabricatedRuns.sourced(runs), List.of(), ReportOptions.defaults());
    assertThat(report.warnings()).singleElement().asString()
        .contains("the EuroSAT base test split differs between runs")
        .contains("r06/run.json has another-spli")
        .contains("not evaluated on identical data");
  }

  @Test
  void transferSectionsPerSourceWithZeroShotInEachAndTheTargetAverage() {
    List<RunResult> runs = new ArrayList<>();
    Map<String, Double> acc = new LinkedHashMap<>();
    acc.put("ImageNet", 70.0);
    acc.put("imagenet-a", 50.0);
    acc.put("ImageNetR", 76.0);
    runs.add(FabricatedRuns.transfer("dg", "domain-generalization", "coop", "coop", "ImageNet", 1, acc, TINY));
    runs.add(FabricatedRuns.transfer("dg", "domain-generalization", "zsclip", "zsclip", "", 1, acc, TINY));
    Map<String, Double> fromCaltech = new LinkedHashMap<>();
    fromCaltech.put("Caltech101", 90.0);
    fromCaltech.put("ImageNetR", 40.0);
    runs.add(FabricatedRuns.transfer("dg", "domain-generalization", "coop", "coop", "Caltech101", 1, fromCaltech, TINY));
    Report report = Report.of(runs);
    assertThat(report.sections()).extracting(ReportSection::title).containsExactly(
        "dg: domain generalization, trained on ImageNet, 16 shots", "dg: domain generalization, trained on Caltech101, 16 shots");
    ReportSection imagenet = report.sections().get(0);
    assertThat(imagenet.datasets()).containsExactly("ImageNet", "ImageNetA", "ImageNetR");
    assertThat(imagenet.figure(new Key("coop", TARGET_AVERAGE, ACCURACY, 0)).orElseThrow().value()).isEqualTo(63.0);
    assertThat(imagenet.figure(new Key("zsclip", TARGET_AVERAGE, ACCURACY, 0)).orElseThrow().value()).isEqualTo(63.0);
    ReportSection caltech = report.sections().get(1);
    assertThat(caltech.datasets()).containsExactly("Caltech101", "ImageNet", "ImageNetA", "ImageNetR");
    // zero-shot has no Caltech101 result, coop trained on Caltech101 has no ImageNet: no target average for either.
    assertThat(caltech.figure(new Key("coop", TARGET_AVERAGE, ACCURACY, 0))).isEmpty();
    assertThat(report.sections()).extracting(ReportSection::stem)
        .containsExactly("dg-domain-generalization-from-imagenet-16shot-tinyidentity", "dg-domain-generalization-from-caltech101-16shot-tinyidentity");
    String rows = Report.of(runs).markdown(TableLayout.LEARNERS_AS_ROWS);
    assertThat(rows).containsPattern("\\| Learner +\\| ImageNet \\(source\\) \\| ImageNetA \\| ImageNetR \\| Target average \\|");
  }
}
