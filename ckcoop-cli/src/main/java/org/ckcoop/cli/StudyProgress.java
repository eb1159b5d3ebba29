package org.ckcoop.cli;

import java.io.PrintWriter;
import java.util.function.Consumer;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;
import org.ckcoop.cli.console.ConsoleProgress;
import org.ckcoop.cli.console.Terminal;
import org.ckcoop.core.train.EpochSummary;
import org.ckcoop.core.train.TrainingListener;
import org.ckcoop.eval.result.RunResult;
import org.ckcoop.eval.study.PlannedRun;
import org.ckcoop.eval.study.Study;
import org.ckcoop.eval.study.StudyListener;
import org.ckcoop.eval.study.StudyRunner;

/**
 * A study's progress on a console: one bar for the study (runs), one for the run in progress
 * (training steps), one while images are encoded, kept at the bottom by the {@link Terminal}; and one
 * line per run (finished, skipped, diverged) and per warning on standard output, above the bars. Off a
 * terminal the bars are not drawn (see {@link ConsoleProgress}) and only the lines remain.
 */
final class StudyProgress implements StudyListener {
  private final Consumer<String> out;
  private ConsoleProgress studyBar;
  private ConsoleProgress runBar;
  /** The bar of the encoding in progress; closed when it completes, or when the run or study ends (an
   *  image that fails to decode stops the encoding before its count is reached). */
  private ConsoleProgress encodingBar;
  private int total;
  private int position;
  private int finishedNow;
  private int alreadyFinished;
  private int locked;
  private final List<String> diverged = new java.util.ArrayList<>();

  /** Prints through this process's terminal when it is one, else to {@code out} (a log, a test). */
  StudyProgress(PrintWriter out) {
    Terminal terminal = Terminal.process();
    this.out = terminal.interactive() ? terminal::result : line -> {
      out.println(line);
      out.flush();
    };
  }

  private void line(String format, Object... args) {
    out.accept(String.format(Locale.ROOT, format, args));
  }

  int total() {
    return total;
  }

  int finishedNow() {
    return finishedNow;
  }

  int alreadyFinished() {
    return alreadyFinished;
  }

  int locked() {
    return locked;
  }

  /** Returns one line per diverged run of this shard (diverged now or before). */
  List<String> diverged() {
    return List.copyOf(diverged);
  }

  @Override
  public void warning(String message) {
    out.accept("warning: " + message);
  }

  @Override
  public void runDiverged(PlannedRun run, RunResult result) {
    endRun();
    diverged.add(StudyRunner.describeDivergence(run, result));
    line("[%d/%d] %s: DIVERGED in epoch %d; recorded in %s, going on with the other runs",
        position, total, run.describe(), result.divergence().epoch(), run.resultFile());
  }

  @Override
  public void runRetried(PlannedRun run, java.nio.file.Path aside) {
    line("  %s: diverged before; its files moved to %s, running it again from scratch",
        run.describe(), aside);
  }

  @Override
  public void studyStarted(Study study, List<PlannedRun> runs) {
    total = runs.size();
    studyBar = new ConsoleProgress("study " + study.name(), runs.size(), "runs", false);
  }

  @Override
  public IntConsumer encoding(PlannedRun run, String what, int images) {
    closeEncodingBar();
    ConsoleProgress bar = new ConsoleProgress("encoding " + what, images, "img");
    encodingBar = bar;
    return new IntConsumer() {
      private int done;

      @Override
      public void accept(int n) {
        bar.accept(n);
        done += n;
        if (done >= images) {
          closeEncodingBar();
        }
      }
    };
  }

  @Override
  public TrainingListener training(PlannedRun run) {
    return new TrainingListener() {
      private int epochsDone;

      @Override
      public void onResume(int done, int epochs) {
        epochsDone = done;
        line("  %s: resuming after epoch %d of %d", run.describe(), done, epochs);
      }

      @Override
      public void onEpochStart(int epoch, int epochs, int steps, double learningRate) {
        if (runBar == null) {
          runBar = new ConsoleProgress(run.describe(), (long) (epochs - epochsDone) * steps, "steps");
        }
      }

      @Override
      public void onStep(int epoch, int step, int steps, double loss, double runningAccuracy) {
        runBar.accept(1);
      }

      @Override
      public void onEpochEnd(EpochSummary summary) {
        // the trainer logs each epoch to train.log and metrics.jsonl
      }
    };
  }

  @Override
  public void runSkipped(PlannedRun run, Skip reason) {
    endRun();
    if (reason == Skip.FINISHED) {
      alreadyFinished++;
      line("[%d/%d] %s: already finished", position, total, run.describe());
    } else if (reason == Skip.DIVERGED) {
      RunResult result = RunResult.read(run.resultFile());
      diverged.add(StudyRunner.describeDivergence(run, result));
      line("[%d/%d] %s: skipped, diverged before (--retry-diverged runs it again)", position,
          total, run.describe());
    } else {
      locked++;
      line("[%d/%d] %s: skipped, another process is running it", position, total, run.describe());
    }
  }

  @Override
  public void runFinished(PlannedRun run, RunResult result) {
    endRun();
    finishedNow++;
    line("[%d/%d] %s: %s (%.1f s)", position, total, run.describe(), StudyRunner.summary(result),
        result.timings().total());
  }

  @Override
  public void studyFinished(Study study, List<RunResult> results) {
    closeBars();
  }

  private void closeEncodingBar() {
    if (encodingBar != null) {
      encodingBar.close();
      encodingBar = null;
    }
  }

  private void endRun() {
    closeEncodingBar();
    position++;
    if (runBar != null) {
      runBar.close();
      runBar = null;
    }
    if (studyBar != null) {
      studyBar.accept(1);
    }
  }

  /** Closes any open bar (also when the study stops with an error). */
  void closeBars() {
    closeEncodingBar();
    if (runBar != null) {
      runBar.close();
      runBar = null;
    }
    if (studyBar != null) {
      studyBar.close();
      studyBar = null;
    }
  }
}
