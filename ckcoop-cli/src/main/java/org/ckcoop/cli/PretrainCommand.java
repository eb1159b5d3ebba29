package org.ckcoop.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ckcoop.world.pretrain.MiniClipShape;
import org.ckcoop.world.pretrain.PretrainListener;
import org.ckcoop.world.pretrain.PretrainLogRow;
import org.ckcoop.world.pretrain.PretrainResult;
import org.ckcoop.world.pretrain.PretrainSettings;
import org.ckcoop.world.pretrain.Pretrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ckcoop pretrain}: contrastive pretraining of a mini-CLIP on a built-in corpus. */
@Command(
    name = "pretrain",
    mixinStandardHelpOptions = true,
    description = {
      "Pretrains a mini-CLIP from scratch with CLIP's contrastive loss on a built-in captioned-image corpus"
          + " (the demo world by default) and writes a Hugging Face checkpoint folder that every other command"
          + " loads with --backbone. Seeded: the same command on the same machine writes the same bytes."
          + " Saves a resume state every --state-every steps; --resume continues an interrupted run exactly."
          + " See docs/pretrain.md."
    })
public final class PretrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--output", paramLabel = "DIR", description = "Checkpoint folder to write (required unless --benchmark).")
  Path output;

  @Option(names = "--corpus", defaultValue = "world", paramLabel = "NAME",
      description = "Pretraining corpus (default: ${DEFAULT-VALUE}).")
  String corpus;

  @Option(names = "--preset", defaultValue = "mini", paramLabel = "NAME",
      description = "Model size: mini (~1.7M weights), small (~3.9M), test (tiny) (default: ${DEFAULT-VALUE}).")
  String preset;

  @Option(names = "--steps", defaultValue = "7000", description = "Optimiser steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--batch", defaultValue = "128", description = "Image-caption pairs per step (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--lr", defaultValue = "0.001", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--weight-decay", defaultValue = "0.1", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--warmup", defaultValue = "100", description = "Warm-up steps before the cosine decay (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the initial weights and the examples read (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", defaultValue = "2", description = "PyTorch threads; 0 = engine default (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--device", defaultValue = "auto", description = "cpu, gpu, gpu:N or auto (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--state-every", defaultValue = "500", paramLabel = "STEPS",
      description = "Steps between resume states, a multiple of 50 (default: ${DEFAULT-VALUE}).")
  int stateEvery;

  @Option(names = "--resume", description = "Continue the interrupted run in --output (same options as it was started with).")
  boolean resume;

  @Option(names = "--benchmark", paramLabel = "N",
      description = "Run N steps, print the time per step and write nothing.")
  Integer benchmark;

  @Override
  public Integer call() {
    PretrainSettings settings = PretrainSettings.defaults()
        .withCorpus(corpus)
        .withPreset(MiniClipShape.parse(preset))
        .withSteps(steps)
        .withBatchSize(batch)
        .withOptimiser(lr, weightDecay, warmup)
        .withSeed(seed)
        .withCompute(threads, device)
        .withIntervals(50, stateEvery);
    PrintStream out = System.out;
    if (benchmark != null) {
      double ms = new Pretrainer(settings, new Console(out, true)).benchmark(benchmark);
      out.printf(Locale.ROOT, "benchmark: %.0f ms per step (preset %s, batch %d, %d thread(s), mean of steps 2-%d);"
          + " %,d steps would take %.1f min%n", ms, settings.preset().label(), batch, threads, benchmark, steps,
          ms * steps / 60000);
      return 0;
    }
    if (output == null) {
      throw new ParameterException(spec.commandLine(), "Missing required option: '--output=DIR' (or use --benchmark N)");
    }
    // The arguments after the subcommand's name (picocli may list that name more than once).
    java.util.List<String> args = new java.util.ArrayList<>(spec.root().commandLine().getParseResult().originalArgs());
    while (!args.isEmpty() && args.get(0).equals(spec.name())) {
      args.remove(0);
    }
    String commandLine = "ckcoop " + spec.name() + (args.isEmpty() ? "" : " " + String.join(" ", args));
    PretrainResult result = new Pretrainer(settings, new Console(out, false)).run(output, resume, commandLine);
    out.printf(Locale.ROOT, "wrote %s: %,d steps, final loss %.4f, in-batch accuracy %.1f%%, %.1f min, content hash %s%n",
        result.output(), result.steps(), result.finalLoss(), result.finalAccuracy(), result.wallSeconds() / 60,
        result.contentHash());
    return 0;
  }

  /** Prints one line per log interval with the loss, accuracy, speed and time left. */
  private static final class Console implements PretrainListener {
    private final PrintStream out;
    private final boolean quiet;
    private int steps;

    Console(PrintStream out, boolean quiet) {
      this.out = out;
      this.quiet = quiet;
    }

    @Override
    public void onStart(String summary, int firstStep, int total) {
      steps = total;
      out.println("pretrain: " + summary);
      if (firstStep > 0) {
        out.printf(Locale.ROOT, "pretrain: resuming at step %d of %d%n", firstStep, total);
      }
    }

    @Override
    public void onLog(PretrainLogRow row, double secondsLeft) {
      if (quiet) {
        return;
      }
      out.printf(Locale.ROOT, "step %d/%d  loss %.4f  acc %.1f%%  lr %.2e  %.0f ms/step  ETA %s%n", row.step(), steps,
          row.loss(), row.accuracy(), row.learningRate(), row.msPerStep(), duration(secondsLeft));
    }

    @Override
    public void onStateSaved(int stepsDone, Path file) {
      if (!quiet) {
        out.printf(Locale.ROOT, "saved resume state at step %d (%s)%n", stepsDone, file);
      }
    }

    private static String duration(double seconds) {
      long s = Math.round(seconds);
      return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
          : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
  }
}
