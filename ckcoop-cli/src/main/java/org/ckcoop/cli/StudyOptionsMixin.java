package org.ckcoop.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ckcoop.eval.result.RunResult;
import org.ckcoop.eval.study.PlannedRun;
import org.ckcoop.eval.study.Shard;
import org.ckcoop.eval.study.Study;
import org.ckcoop.eval.study.StudyOptions;
import org.ckcoop.eval.study.StudyRunner;
import picocli.CommandLine.Option;

/** The options {@code ckcoop run} and {@code ckcoop sweep} share, and running the study they describe. */
final class StudyOptionsMixin {
  @Option(names = "--config", required = true, paramLabel = "FILE",
      description = "The experiment file (YAML or .properties; format in docs/eval.md).")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Overrides a setting of the experiment file (repeatable; a later one wins).")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--shard", paramLabel = "I/N",
      description = "Runs only slice I (from 0) of N of the study's run list, e.g. 3/8 ($SLURM_ARRAY_TASK_ID/8 in a job array).")
  String shard;

  @Option(names = "--output", paramLabel = "DIR", description = "Results folder (replaces study.output).")
  Path output;

  @Option(names = "--cache", paramLabel = "DIR", description = "Feature cache folder (replaces study.cache).")
  Path cache;

  @Option(names = "--retry-diverged", description = "Runs again, from scratch, the runs whose run.json says they"
      + " diverged (their files are moved to <run folder>.diverged-<k>/); without it a restart skips them.")
  boolean retryDiverged;

  @Option(names = "--dry-run", description = "Lists the runs of this shard with their state and runs nothing.")
  boolean dryRun;

  /** Returns the {@code --set} overrides plus those of {@code --output} and {@code --cache}. */
  List<String> overrides() {
    List<String> all = new ArrayList<>(overrides);
    if (output != null) {
      all.add("study.output=" + output.toAbsolutePath().normalize());
    }
    if (cache != null) {
      all.add("study.cache=" + cache.toAbsolutePath().normalize());
    }
    return all;
  }

  /** Runs the study (or lists it), printing one line per run and a summary. */
  int execute(Study study, PrintWriter out) {
    StudyOptions options = new StudyOptions(shard == null ? Shard.ALL : Shard.parse(shard), retryDiverged);
    if (dryRun) {
      list(study, options.shard(), out);
      return 0;
    }
    StudyProgress progress = new StudyProgress(out);
    try {
      StudyRunner.run(study, options, progress);
    } finally {
      progress.closeBars();
    }
    out.printf(Locale.ROOT, "%s: %d run(s) in this shard: %d run now, %d already finished, %d held by another"
        + " process; results in %s%n", study.name(), progress.total(), progress.finishedNow(),
        progress.alreadyFinished(), progress.locked(), study.output());
    List<String> diverged = progress.diverged();
    if (diverged.isEmpty()) {
      return 0;
    }
    out.printf(Locale.ROOT, "%s: %d run(s) diverged (recorded in their run.json with status diverged; the other runs"
        + " went on; a restart skips them, --retry-diverged runs them again from scratch):%n", study.name(),
        diverged.size());
    diverged.forEach(line -> out.println("  " + line));
    out.flush();
    return DIVERGED_EXIT_CODE;
  }

  /** The exit code of a study in which runs diverged (2 is an input error, 1 an internal one). */
  static final int DIVERGED_EXIT_CODE = 3;

  private static void list(Study study, Shard shard, PrintWriter out) {
    List<PlannedRun> runs = shard.select(study.runs());
    out.printf(Locale.ROOT, "%s (%s): %d of %d runs in shard %s, results in %s%n", study.name(), study.protocol(),
        runs.size(), study.runs().size(), shard, study.output());
    for (PlannedRun run : runs) {
      String state;
      if (Files.exists(run.resultFile())) {
        RunResult existing = RunResult.read(run.resultFile());
        state = !existing.provenance().configHash().equals(run.configHash()) ? "CONFLICT (other config)"
            : existing.diverged() ? "diverged" : "finished";
      } else if (Files.exists(run.folder().resolve("checkpoint.safetensors"))) {
        state = "resumable";
      } else {
        state = "pending";
      }
      out.printf(Locale.ROOT, "%4d  %-10s %s  config %s  %s%n", run.index(), state, run.describe(),
          run.configHash().substring(0, 12), study.output().relativize(run.folder()));
    }
  }
}
