package org.ckcoop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ckcoop.eval.result.RunResult;
import org.ckcoop.eval.result.RunResult.TestResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ckcoop demo} with the shipped mini-CLIP ({@code models/mini-clip}): the quick demo trains
 * every learner and prints a row per learner, and the mini-CLIP's zero-shot accuracy leaves room for
 * prompt learning while generalising (issue 7's band). Both share one output folder, so the world
 * is generated once.
 */
class DemoCommandTest {
  static final List<String> LEARNERS = List.of("zsclip", "coop", "cocoop", "kgcoop", "prograd", "maple", "ivlp",
      "promptsrc", "ckcoop");

  @TempDir static Path out;

  private static String[] demo(StringWriter err, String... args) {
    StringWriter text = new StringWriter();
    CommandLine cli = CkcoopCommand.commandLine();
    cli.setOut(new PrintWriter(text, true));
    cli.setErr(new PrintWriter(err, true));
    int status = cli.execute(args);
    return new String[] {Integer.toString(status), text.toString()};
  }

  @Test
  void quickDemoTrainsEveryLearnerAndPrintsTheTable() throws Exception {
    StringWriter err = new StringWriter();
    String[] result = demo(err, "demo", "--quick", "--out", out.toString());
    assertThat(result[0]).as(err.toString()).isEqualTo("0");
    String printed = result[1];
    assertThat(printed).containsPattern("\\| Dataset +\\| Set +\\| +zsclip \\| +coop \\| +cocoop \\| +kgcoop \\| +prograd \\|"
        + " +maple \\| +ivlp \\| +promptsrc \\| +ckcoop \\|")
        .containsPattern("\\| world_shapes +\\| Base +\\|( +[0-9]+\\.[0-9]{2} \\|){9}")
        .containsPattern("\\| +\\| New +\\|( +[0-9]+\\.[0-9]{2} \\|){9}")
        .containsPattern("\\| +\\| HM +\\|( +[0-9]+\\.[0-9]{2} \\|){9}")
        .contains("demo finished in");
    java.util.Map<String, Double> base = new java.util.HashMap<>();
    for (String learner : LEARNERS) {
      RunResult r = RunResult.read(out.resolve("quick/results/base2new/" + learner + "/world_shapes/shots16/seed1/run.json"));
      assertThat(r.tests()).extracting(TestResult::subset).containsExactly("base", "new");
      assertThat(r.backbone().name()).isEqualTo("mini-CLIP");
      base.put(learner, r.tests().get(0).top1());
    }
    // The demo shows learning: the sketches' "a photo of a" template leaves room that CoOp's context takes
    // (measured: zero-shot 63.3%, CoOp 92.5% on world_shapes' base classes).
    assertThat(base.get("coop")).as("coop vs zsclip on base").isGreaterThanOrEqualTo(base.get("zsclip") + 5);
    assertThat(out.resolve("quick/report/report.md")).isRegularFile();
    try (var files = Files.list(out.resolve("quick/report"))) {
      assertThat(files.map(f -> f.getFileName().toString())).anyMatch(n -> n.endsWith(".png"));
    }
    assertThat(out.resolve("world/world-manifest.json")).isRegularFile();
  }

  @Test
  void shippedMiniClipLeavesRoomForPromptLearningAndGeneralises() {
    StringWriter err = new StringWriter();
    String[] result = demo(err, "demo", "--out", out.toString(), "--set", "study.learners=zsclip", "--set", "study.seeds=1");
    assertThat(result[0]).as(err.toString()).isEqualTo("0");
    double baseSum = 0;
    List<String> datasets = List.of("world_objects", "world_shapes");
    for (String dataset : datasets) {
      RunResult r = RunResult.read(out.resolve("results/base2new/zsclip/" + dataset + "/shots16/seed1/run.json"));
      TestResult base = r.tests().get(0);
      TestResult novel = r.tests().get(1);
      assertThat(novel.top1()).as(dataset + " new: at least twice chance").isGreaterThanOrEqualTo(200.0 / novel.classes());
      baseSum += base.top1();
      // the shipped model's measured zero-shot base accuracy (guards the world, the checkpoint and the reader)
      assertThat(base.top1()).as(dataset + " base").isCloseTo(dataset.equals("world_objects") ? 92.88 : 63.33, within(1.5));
    }
    // issue 7: zero-shot on the demo's base classes roughly 30-85% (measured: 92.9 and 63.3, mean 78.1)
    assertThat(baseSum / datasets.size()).as("mean zero-shot base accuracy").isBetween(30.0, 85.0);
  }
}
