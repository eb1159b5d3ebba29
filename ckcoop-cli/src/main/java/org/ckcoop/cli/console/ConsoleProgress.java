package org.ckcoop.cli.console;

import java.text.DecimalFormat;
import java.util.function.IntConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar for a known amount of work, drawn by the {@link Terminal} at the bottom of the screen
 * (the progressbar library renders the text; the terminal places it); close it when the work is done.
 * Off a terminal it draws nothing: a redirected log gets no redraws.
 */
public final class ConsoleProgress implements IntConsumer, AutoCloseable {
  private final Terminal terminal;
  private final ProgressBar bar;

  /** A bar on this process's terminal; {@code showSpeed} adds units per second. */
  public ConsoleProgress(String task, long total, String unit, boolean showSpeed) {
    this(Terminal.process(), task, total, unit, showSpeed);
  }

  /** A bar on this process's terminal, with its speed. */
  public ConsoleProgress(String task, long total, String unit) {
    this(task, total, unit, true);
  }

  /** A bar on {@code terminal}. */
  public ConsoleProgress(Terminal terminal, String task, long total, String unit, boolean showSpeed) {
    this.terminal = terminal;
    if (!terminal.interactive()) {
      this.bar = null;
      return;
    }
    ProgressBarBuilder builder = new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(total)
        .setUnit(" " + unit, 1)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(250)
        .setConsumer(new DelegatingProgressBarConsumer(text -> terminal.bar(this, text), terminal.columns() - 1))
        .continuousUpdate();
    if (showSpeed) {
      builder.showSpeed(new DecimalFormat("0.0"));
    }
    this.bar = builder.build();
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
      terminal.removeBar(this);
    }
  }
}
