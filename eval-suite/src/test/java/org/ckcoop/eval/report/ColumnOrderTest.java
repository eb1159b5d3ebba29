package org.ckcoop.eval.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ckcoop.eval.report.FabricatedRuns.TINY;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.ckcoop.eval.report.ReportSection.Variant;
import org.ckcoop.eval.result.RunResult;
import org.junit.jupiter.api.Test;

/** A report's columns come in the study's order, recorded in every run.json, not a built-in list. */
class ColumnOrderTest {
  private static RunResult inStudy(RunResult r, List<String> order) {
    return new RunResult(r.format(), r.study(), r.protocol(), r.learner(), r.variant(), r.overrides(), r.trainDataset(),
        r.shots(), r.seed(), r.backbone(), r.tests(), r.provenance(), new TreeMap<>(), r.timings(), r.status(), null,
        null, order);
  }

  private static List<String> columns(List<String> studyOrder, String... variants) {
    List<RunResult> runs = new ArrayList<>();
    for (String v : variants) {
      String learner = v.contains("[") ? v.substring(0, v.indexOf('[')) : v;
      runs.add(inStudy(FabricatedRuns.base2new("s", learner, v, "EuroSAT", 1, 80, 60, TINY, 16), studyOrder));
    }
    return Report.of(runs).sections().get(0).variants().stream().map(Variant::name).toList();
  }

  @Test
  void columnsFollowTheStudysLearnerOrder() {
    List<String> order = List.of("promptsrc", "coop", "zsclip", "my_learner");
    assertThat(columns(order, "zsclip", "coop", "my_learner", "promptsrc"))
        .containsExactly("promptsrc", "coop", "zsclip", "my_learner");
    assertThat(columns(List.of("zsclip", "my_learner", "coop"), "coop", "my_learner", "zsclip"))
        .containsExactly("zsclip", "my_learner", "coop");
  }

  @Test
  void sweepPointsFollowTheirOrderAndUnlistedVariantsFollowTheirLearner() {
    List<String> order = List.of("zsclip", "ckcoop[learner.ckcoop.k=8]", "ckcoop[learner.ckcoop.k=2]", "coop");
    assertThat(columns(order, "coop", "ckcoop[learner.ckcoop.k=2]", "zsclip", "ckcoop[learner.ckcoop.k=8]"))
        .containsExactly("zsclip", "ckcoop[learner.ckcoop.k=8]", "ckcoop[learner.ckcoop.k=2]", "coop");
    // a result of another study (coop_b) joins after everything this study names; coop[x] after coop
    assertThat(columns(List.of("coop", "zsclip"), "zsclip", "kgcoop", "coop[optim.lr=0.1]", "coop"))
        .containsExactly("coop", "coop[optim.lr=0.1]", "zsclip", "kgcoop");
  }

  @Test
  void resultsWithoutAnOrderAreOrderedByLearnerThenLabel() {
    assertThat(columns(List.of(), "zsclip", "coop", "cocoop")).containsExactly("cocoop", "coop", "zsclip");
  }
}
