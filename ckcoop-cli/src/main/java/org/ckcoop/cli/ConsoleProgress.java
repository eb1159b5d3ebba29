package org.ckcoop.cli;

import java.util.function.IntConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on standard error for a known amount of work; close it when the work is done. Off a
 * terminal (logs, CI) it stays silent rather than filling the output with redraws.
 */
final class ConsoleProgress implements IntConsumer, AutoCloseable {
  private final ProgressBar bar;

  ConsoleProgress(String task, long total, String unit) {
    this.bar = !interactive() ? null : new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(total)
        .setUnit(" " + unit, 1)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(250)
        .showSpeed()
        .continuousUpdate()
        .build();
  }

  /** A terminal is attached (stdout may still be piped) and this is not a CI run. */
  private static boolean interactive() {
    String term = System.getenv("TERM");
    boolean terminal = System.console() != null || (term != null && !term.equals("dumb"));
    return terminal && System.getenv("CI") == null;
  }

  @Override
  public void accept(int done) {
    if (bar != null) {
      bar.stepBy(done);
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
