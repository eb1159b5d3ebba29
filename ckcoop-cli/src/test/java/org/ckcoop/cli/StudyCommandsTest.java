package org.ckcoop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ckcoop.backbone.checkpoint.CheckpointLayout;
import org.ckcoop.backbone.checkpoint.RandomCheckpoints;
import org.ckcoop.backbone.safetensors.StorageType;
import org.ckcoop.eval.result.RunResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ckcoop run} and {@code ckcoop sweep} from the command line. */
class StudyCommandsTest {
  @TempDir Path dir;
  Path experiment;
  StringWriter out;
  StringWriter err;

  @BeforeEach
  void setUp() throws Exception {
    RandomCheckpoints.write(dir.resolve("clip"), RandomCheckpoints.preset("tiny"), CheckpointLayout.named("huggingface"),
        StorageType.F32, 5);
    SampleImages.write(dir.resolve("data/shapes/train/circle"), 3, 30, 24, 1);
    SampleImages.write(dir.resolve("data/shapes/train/square"), 3, 30, 24, 2);
    SampleImages.write(dir.resolve("data/shapes/test/circle"), 2, 30, 24, 3);
    SampleImages.write(dir.resolve("data/shapes/test/square"), 2, 30, 24, 4);
    experiment = Files.writeString(dir.resolve("study.yaml"), String.join("\n",
        "study:", "  protocol: few-shot", "  learners: [zsclip]", "  datasets: [shapes]", "  seeds: [1]",
        "  shots: [1]", "  cache: cache", "backbone:", "  checkpoint: clip", "datasets:", "  shapes:",
        "    name: image-folder", "    root: data/shapes", "split.dir: splits", ""));
  }

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cli = CkcoopCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void runWritesResultsAndARestartSkipsThem() {
    Path output = dir.resolve("results");
    assertThat(run("run", "--config", experiment.toString(), "--output", output.toString())).as(err.toString()).isZero();
    Path result = output.resolve("few-shot/zsclip/shapes/shots1/seed1/run.json");
    RunResult r = RunResult.read(result);
    assertThat(r.study()).isEqualTo("study");
    assertThat(out.toString()).contains("[1/1] zsclip shapes shots1 seed1: shapes/all "
        + String.format(java.util.Locale.ROOT, "%.2f%%", r.tests().get(0).top1()))
        .contains("study: 1 run(s) in this shard: 1 run now, 0 already finished, 0 held by another process");

    assertThat(run("run", "--config", experiment.toString(), "--output", output.toString())).isZero();
    assertThat(out.toString()).contains("[1/1] zsclip shapes shots1 seed1: already finished");
    assertThat(run("run", "--config", experiment.toString(), "--output", output.toString(), "--dry-run",
        "--set", "study.seeds=1,2")).isZero();
    assertThat(out.toString()).containsPattern("0  finished +zsclip shapes shots1 seed1  config [0-9a-f]{12}  "
        + "few-shot/zsclip/shapes/shots1/seed1")
        .containsPattern("1  pending +zsclip shapes shots1 seed2");
  }

  @Test
  void aLearnerThatCannotBeBuiltIsReportedBeforeTheFirstRunTrains() {
    Path output = dir.resolve("results");
    assertThat(run("run", "--config", experiment.toString(), "--output", output.toString(),
        "--set", "study.learners=zsclip,maple", "--set", "learner.maple.prompt_depth=9")).isEqualTo(2);
    assertThat(err.toString()).contains(": 1 learner(s) cannot be built for the study's backbone and datasets, found"
        + " before anything trained (nothing was written):\n  - maple on shapes: learner.maple.prompt_depth: is 9 but"
        + " the backbone's towers have 2 (text) and 2 (vision) layers; at most 2");
    // zsclip comes first in the run list and would have finished before maple's run failed
    assertThat(output.resolve("few-shot/zsclip/shapes/shots1/seed1/run.json")).doesNotExist();
  }

  @Test
  void sweepRunsEveryPointAndInputErrorsExitWithStatusTwo() {
    assertThat(run("sweep", "--config", experiment.toString(), "--vary", "train.eval_batch_size=2,3")).as(err.toString())
        .isZero();
    assertThat(dir.resolve("results/study/few-shot/zsclip__train.eval_batch_size=2/shapes/shots1/seed1/run.json"))
        .isRegularFile();
    assertThat(dir.resolve("results/study/few-shot/zsclip__train.eval_batch_size=3/shapes/shots1/seed1/run.json"))
        .isRegularFile();

    assertThat(run("run", "--config", experiment.toString(), "--shard", "2/2")).isEqualTo(2);
    assertThat(err.toString()).startsWith("run: error: --shard 2/2: expected i/n with n >= 1 and 0 <= i < n");
    assertThat(run("run", "--config", experiment.toString(), "--set", "train.epoch=3")).isEqualTo(2);
    assertThat(err.toString()).contains("error: unknown key 'train.epoch' in --set; did you mean 'train.epochs'?");
    assertThat(run("sweep", "--config", experiment.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("Error: Missing required argument (specify one of these): (--grid=FILE |"
        + " --vary=KEY=V1,V2,...").contains("--shard=I/N            Runs only slice I (from 0) of N");
  }

  /**
   * Issue 6's done-when on a fabricated EuroSAT in CoOp's DATA layout: one {@code run} command trains and
   * tests all five learners over two seeds (base2new, the shipped recipes cut to one epoch), and
   * {@code report} turns the ten run files into the Base / New / HM table with a column per learner and a chart.
   */
  @Test
  void runAndReportAllFiveLearnersOnACoopLayoutDataset() throws Exception {
    Path eurosat = dir.resolve("DATA/eurosat");
    List<String> folders = List.of("Forest", "Pasture", "River", "SeaLake");
    StringBuilder split = new StringBuilder("{");
    String[] parts = {"train", "val", "test"};
    int[] counts = {2, 1, 2};
    for (int p = 0; p < parts.length; p++) {
      List<String> entries = new ArrayList<>();
      for (int label = 0; label < folders.size(); label++) {
        String folder = folders.get(label);
        List<Path> images = SampleImages.write(eurosat.resolve("2750").resolve(folder), counts[p], 28, 28, 10L * p + label);
        for (Path image : images) {
          Path renamed = Files.move(image, image.resolveSibling(parts[p] + "_" + image.getFileName()));
          entries.add("[\"" + folder + "/" + renamed.getFileName() + "\", " + label + ", \"" + folder + "\"]");
        }
      }
      split.append(p == 0 ? "" : ", ").append('"').append(parts[p]).append("\": [").append(String.join(", ", entries)).append(']');
    }
    Files.writeString(eurosat.resolve("split_zhou_EuroSAT.json"), split.append('}').toString());
    Path study = Files.writeString(dir.resolve("eurosat.yaml"), String.join("\n",
        "study:", "  protocol: base2new", "  learners: [zsclip, coop, cocoop, kgcoop, ckcoop, prograd, maple, ivlp, promptsrc]", "  datasets: [eurosat]",
        "  seeds: [1, 2]", "  shots: [2]", "  cache: cache", "backbone:", "  checkpoint: clip", "datasets:", "  eurosat:",
        "    name: EuroSAT", "    root: DATA", "    template: \"{}.\"", "split.dir: splits", "train.epochs: 1", "learner.ckcoop.k: 32", "learner.prograd.n_ctx: 4",
        "learner.prograd.ctx_init: a photo of a", // the template "{}." has no words for ProGrad's template init
        // the tiny model has two layers per tower (MaPLe's and IVLP's recipes want 9 and 12)
        "learner.maple.prompt_depth: 2", "learner.ivlp.prompt_depth_text: 2", "learner.ivlp.prompt_depth_vision: 2",
        "learner.promptsrc.prompt_depth_text: 2", "learner.promptsrc.prompt_depth_vision: 2", ""));

    Path output = dir.resolve("results");
    assertThat(run("run", "--config", study.toString(), "--output", output.toString())).as(err.toString()).isZero();
    for (String learner : List.of("zsclip", "coop", "cocoop", "kgcoop", "ckcoop", "prograd", "maple", "ivlp",
        "promptsrc")) {
      for (int seed = 1; seed <= 2; seed++) {
        RunResult r = RunResult.read(output.resolve("base2new/" + learner + "/eurosat/shots2/seed" + seed + "/run.json"));
        assertThat(r.tests()).extracting(RunResult.TestResult::subset).containsExactly("base", "new");
        // base = the first two of the four labels, new = the other two
        assertThat(r.tests().get(0).classes()).isEqualTo(2);
        assertThat(r.tests().get(0).examples()).isEqualTo(4);
        // EuroSAT's class-name cleaning reached the tests
        assertThat(r.tests().get(1).perClass()).containsOnlyKeys("River", "Sea or Lake");
      }
    }
    // CK-CoOp's dictionary is cached under the study's cache folder, not the user's (issue 15, item 3)
    try (var files = Files.list(dir.resolve("cache/dictionaries"))) {
      assertThat(files.map(f -> f.getFileName().toString()).toList()).anyMatch(n -> n.startsWith("dcom-"));
    }
    assertThat(run("report", "--results", output.toString())).as(err.toString()).isZero();
    String table = out.toString();
    // the columns come in the study's order (study.learners)
    assertThat(table).containsPattern("\\| Dataset +\\| Set +\\| +zsclip \\| +coop \\| +cocoop \\| +kgcoop \\| +ckcoop \\|"
        + " +prograd \\| +maple \\| +ivlp \\| +promptsrc \\|")
        .containsPattern("\\| EuroSAT +\\| Base +\\|").containsPattern("\\| +\\| HM +\\|")
        .contains("Seeds: 1, 2.");
    assertThat(output.resolve("report/report.md")).isRegularFile();
    try (var files = Files.list(output.resolve("report"))) {
      assertThat(files.map(f -> f.getFileName().toString()).toList())
          .anyMatch(n -> n.endsWith(".png")).anyMatch(n -> n.endsWith(".csv")).anyMatch(n -> n.endsWith(".tex"))
          .contains("summary.json");
    }
  }
}
