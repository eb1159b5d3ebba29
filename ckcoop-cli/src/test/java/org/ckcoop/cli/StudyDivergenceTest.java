package org.ckcoop.cli;

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

/** One diverging run does not sink a study: it is recorded, skipped on restart, retried on request, reported. */
class StudyDivergenceTest {
  @TempDir Path dir;
  Path experiment;
  Path output;
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
        "study:", "  protocol: few-shot", "  learners: [zsclip, coop]", "  datasets: [shapes]", "  seeds: [1]",
        "  shots: [2]", "  cache: cache", "backbone:", "  checkpoint: clip", "datasets:", "  shapes:",
        "    name: image-folder", "    root: data/shapes", "split.dir: splits", "train.epochs: 3", ""));
    output = dir.resolve("results");
  }

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cli = CkcoopCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private int sweep(String... extra) {
    String[] base = {"sweep", "--config", experiment.toString(), "--output", output.toString(), "--vary",
        "optim.lr=0.002,1e30"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return run(args);
  }

  @Test
  void aDivergedRunIsRecordedTheOthersFinishAndTheStudyExitsWithStatusThree() throws Exception {
    assertThat(sweep()).as(out + "\n" + err).isEqualTo(3);
    Path bad = output.resolve("few-shot/coop__optim.lr=1e30/shapes/shots2/seed1");
    RunResult diverged = RunResult.read(bad.resolve("run.json"));
    assertThat(diverged.status()).isEqualTo("diverged");
    assertThat(diverged.tests()).isEmpty();
    RunResult.Divergence d = diverged.divergence();
    // Epoch 1 is the constant warm-up at 1e-5; lr 1e30 in epoch 2 leaves a finite but exploded state,
    // which the trainer's check refuses before writing epoch 2's checkpoint.
    assertThat(d.epoch()).as(d.toString()).isEqualTo(2);
    assertThat(d.step()).isZero();
    assertThat(d.epochsDone()).isEqualTo(1);
    assertThat(d.lastFiniteLoss()).isNotNull().isPositive();
    assertThat(d.message()).startsWith("training diverged: after epoch 2 the learnable state's norm is ")
        .contains("more than train.max_state_growth = 1000 times its initial norm");
    assertThat(d.testSets()).containsExactly(new RunResult.TestSet("shapes", "all"));
    if (d.epochsDone() > 0) {
      assertThat(Path.of(d.checkpoint())).isEqualTo(bad.resolve("checkpoint.safetensors")).isRegularFile();
    } else {
      assertThat(d.checkpoint()).isNull();
    }
    assertThat(Files.readString(bad.resolve("run.json"))).contains("\"status\" : \"diverged\"");
    for (String finished : new String[] {"few-shot/coop__optim.lr=0.002/shapes/shots2/seed1",
        "few-shot/zsclip__optim.lr=0.002/shapes/shots2/seed1", "few-shot/zsclip__optim.lr=1e30/shapes/shots2/seed1"}) {
      RunResult r = RunResult.read(output.resolve(finished).resolve("run.json"));
      assertThat(r.status()).isEqualTo("finished");
      assertThat(r.tests()).hasSize(1);
    }
    assertThat(out.toString())
        .contains("coop[optim.lr=1e30] shapes shots2 seed1: DIVERGED in epoch " + d.epoch() + "; recorded in "
            + bad.resolve("run.json") + ", going on with the other runs")
        .contains("study: 1 run(s) diverged (recorded in their run.json with status diverged; the other runs went on;"
            + " a restart skips them, --retry-diverged runs them again from scratch):\n"
            + "  coop[optim.lr=1e30] shapes shots2 seed1: diverged in epoch 2 (at its end) (")
        .contains("); folder " + bad + "\n");
    System.out.println("divergence summary as a user sees it:\n" + out);

    // A restart skips it (and still exits non-zero with the summary).
    long before = Files.getLastModifiedTime(bad.resolve("run.json")).toMillis();
    assertThat(sweep()).isEqualTo(3);
    assertThat(out.toString()).contains("coop[optim.lr=1e30] shapes shots2 seed1: skipped, diverged before"
        + " (--retry-diverged runs it again)").contains("study: 1 run(s) diverged");
    assertThat(Files.getLastModifiedTime(bad.resolve("run.json")).toMillis()).isEqualTo(before);
    assertThat(run("sweep", "--config", experiment.toString(), "--output", output.toString(), "--vary",
        "optim.lr=0.002,1e30", "--dry-run")).isZero();
    assertThat(out.toString()).containsPattern("diverged +coop\\[optim.lr=1e30\\] shapes shots2 seed1");

    // The report shows the cell as diverged, never as a number.
    assertThat(run("report", "--results", output.toString())).as(err.toString()).isZero();
    String table = out.toString();
    assertThat(table).containsPattern("\\| +\\| 2-shot +\\| +- \\| +- \\| +[0-9.]+ \\| +diverged \\|")
        .contains("coop[optim.lr=1e30]: training diverged for shapes 2-shot (seed 1); those cells, and the HM and"
            + " averages computed from them, show diverged, not the other seeds' mean"
            + " (few-shot/coop__optim.lr=1e30/shapes/shots2/seed1/run.json).");
    assertThat(Files.readString(output.resolve("report/summary.json"))).contains("\"divergedCells\"")
        .contains("few-shot/coop__optim.lr=1e30/shapes/shots2/seed1/run.json");
    System.out.println("report as a user sees it:\n" + table);

    // --retry-diverged moves its files aside and runs it again from scratch (it diverges again, the same way).
    assertThat(sweep("--retry-diverged")).isEqualTo(3);
    Path aside = bad.resolveSibling("seed1.diverged-1");
    assertThat(out.toString()).contains("coop[optim.lr=1e30] shapes shots2 seed1: diverged before; its files moved to "
        + aside + ", running it again from scratch");
    assertThat(aside.resolve("diverged-run.json")).isRegularFile();
    assertThat(aside.resolve("run.json")).doesNotExist();
    RunResult again = RunResult.read(bad.resolve("run.json"));
    assertThat(again.diverged()).isTrue();
    assertThat(again.divergence().epoch()).isEqualTo(d.epoch());
    assertThat(Files.readString(bad.resolve("train.log"))).doesNotContain("resumed");
  }
}
