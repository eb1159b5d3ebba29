package org.ckcoop.eval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
