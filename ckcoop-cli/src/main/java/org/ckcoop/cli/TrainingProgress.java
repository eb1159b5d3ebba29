package org.ckcoop.cli;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.ckcoop.core.train.EpochSummary;
import org.ckcoop.core.train.TrainingListener;

/**
 * A progress bar per training epoch on a console: steps done, ETA, and the running loss, accuracy and
 * learning rate; one summary line per finished epoch.
 */
final class TrainingProgress implements TrainingListener {
  private final PrintStream out;
  private final String run;
  private ProgressBar bar;
  private double lr;

  TrainingProgress(PrintStream out, String run) {
    this.out = out;
    this.run = run;
  }

  @Override
  public void onResume(int epochsDone, int epochs) {
    out.printf(Locale.ROOT, "%s: resuming after epoch %d of %d%n", run, epochsDone, epochs);
  }

  @Override
  public void onEpochStart(int epoch, int epochs, int steps, double learningRate) {
    lr = learningRate;
    bar = new ProgressBarBuilder()
        .setTaskName(String.format(Locale.ROOT, "%s epoch %d/%d", run, epoch + 1, epochs))
        .setInitialMax(steps)
        .setStyle(ProgressBarStyle.ASCII)
        .setConsumer(new ConsoleProgressBarConsumer(out, 160))
        .setUpdateIntervalMillis(200)
        .build();
  }

  @Override
  public void onStep(int epoch, int step, int steps, double loss, double runningAccuracy) {
    bar.step();
    bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f acc %.1f%% lr %.2e", loss, runningAccuracy, lr));
  }

  @Override
  public void onEpochEnd(EpochSummary summary) {
    if (bar != null) {
      bar.close();
      bar = null;
    }
    out.printf(Locale.ROOT, "%s epoch %d: loss %.4f, train accuracy %.1f%%, lr %.2e, %.1f s%n", run,
        summary.epoch() + 1, summary.loss(), summary.accuracy(), summary.learningRate(), summary.seconds());
  }
}
