package org.ckcoop.cli.console;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The process's console: every line for a person (log lines on standard error, result lines on
 * standard output) and every progress bar goes through it, so they never overwrite each other. On a
 * terminal the bars are kept as the last lines of the screen: before a line is printed they are erased
 * ({@code \r}, erase-line, cursor-up), the line is printed, and the bars are drawn again below it,
 * each cut to the terminal's width so that none wraps. Off a terminal the bars are not drawn at all
 * and lines are printed as they are: a redirected log holds no carriage return or escape sequence.
 *
 * <p>Whether standard error is a terminal, and its width, come from {@code bin/ckcoop}
 * ({@code -Dckcoop.terminal=tty|none}, {@code -Dckcoop.columns=N}: the shell can test {@code -t 2},
 * Java 17 cannot); without them, {@code System.console() != null} decides and the width is 100.
 */
public final class Terminal {
  private static final String ERASE_LINE = "\r\u001b[K";
  private static final String UP = "\u001b[1A";
  private static volatile Terminal process;

  private final PrintStream out;
  private final PrintStream err;
  private final boolean interactive;
  private final int columns;
  private final Map<Object, String> bars = new LinkedHashMap<>();
  private int drawn;

  /**
   * Creates a console over two streams.
   *
   * @param out where result lines go (standard output)
   * @param err where log lines and bars go (standard error)
   * @param interactive whether {@code err} is a terminal (bars are drawn only then)
   * @param columns the terminal's width
   */
  public Terminal(PrintStream out, PrintStream err, boolean interactive, int columns) {
    this.out = out;
    this.err = err;
    this.interactive = interactive;
    this.columns = Math.max(20, columns);
  }

  /** Returns this process's console over {@code System.out} and {@code System.err}. */
  public static Terminal process() {
    Terminal t = process;
    if (t == null) {
      synchronized (Terminal.class) {
        if (process == null) {
          process = new Terminal(System.out, System.err, detectInteractive(), detectColumns());
        }
        t = process;
      }
    }
    return t;
  }

  private static boolean detectInteractive() {
    String told = System.getProperty("ckcoop.terminal");
    if (told != null) {
      return told.trim().toLowerCase(Locale.ROOT).equals("tty") && System.getenv("CI") == null;
    }
    return System.console() != null && System.getenv("CI") == null;
  }

  private static int detectColumns() {
    try {
      return Integer.parseInt(System.getProperty("ckcoop.columns", "100").trim());
    } catch (NumberFormatException e) {
      return 100;
    }
  }

  /** Returns the terminal's width in columns. */
  public int columns() {
    return columns;
  }

  /** Returns whether bars are drawn (standard error is a terminal). */
  public boolean interactive() {
    return interactive;
  }

  /** Prints a result line on standard output, above the bars. */
  public synchronized void result(String line) {
    print(out, line);
  }

  /** Prints a log line on standard error, above the bars. */
  public synchronized void log(String line) {
    print(err, line);
  }

  /**
   * Shows or updates {@code owner}'s bar (one line at the bottom, in the order the bars appeared);
   * ignored off a terminal.
   */
  public synchronized void bar(Object owner, String text) {
    if (!interactive) {
      return;
    }
    String line = fit(text);
    if (line.equals(bars.get(owner))) {
      return;
    }
    erase();
    bars.put(owner, line);
    draw();
  }

  /** Removes {@code owner}'s bar. */
  public synchronized void removeBar(Object owner) {
    if (!interactive || !bars.containsKey(owner)) {
      return;
    }
    erase();
    bars.remove(owner);
    draw();
  }

  /** Erases and forgets every bar (before an error message, say). */
  public synchronized void removeAllBars() {
    if (!interactive || bars.isEmpty()) {
      return;
    }
    erase();
    bars.clear();
    err.flush();
  }

  private void print(PrintStream stream, String text) {
    String line = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    if (!interactive) {
      stream.println(line);
      stream.flush();
      return;
    }
    erase();
    err.flush();
    stream.println(line);
    stream.flush();
    draw();
  }

  /** Erases the drawn bars; the cursor ends at the start of the first bar's line. */
  private void erase() {
    if (drawn == 0) {
      return;
    }
    StringBuilder b = new StringBuilder(ERASE_LINE);
    for (int i = 1; i < drawn; i++) {
      b.append(UP).append(ERASE_LINE);
    }
    err.print(b);
    drawn = 0;
  }

  /** Draws every bar, one per line, leaving the cursor at the end of the last (no newline). */
  private void draw() {
    if (bars.isEmpty()) {
      err.flush();
      return;
    }
    List<String> lines = new ArrayList<>(bars.values());
    err.print(String.join("\n", lines));
    err.flush();
    drawn = lines.size();
  }

  /** Cuts a bar's text to one screen line (no control characters, shorter than the width). */
  private String fit(String text) {
    String clean = text.replace("\r", "").replace("\n", " ");
    int max = columns - 1;
    int[] cps = clean.codePoints().toArray();
    return cps.length <= max ? clean : new String(cps, 0, max);
  }
}
