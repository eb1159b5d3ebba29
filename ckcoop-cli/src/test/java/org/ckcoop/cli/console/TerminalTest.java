package org.ckcoop.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Log lines, result lines and bars on one screen: lines above, bars below, nothing overwritten. */
class TerminalTest {
  private final ByteArrayOutputStream screen = new ByteArrayOutputStream();

  private Terminal terminal(boolean interactive, int columns) {
    // a terminal shows both streams on one screen: capture them in order in one buffer
    PrintStream both = new PrintStream(screen, true, StandardCharsets.UTF_8);
    return new Terminal(both, both, interactive, columns);
  }

  /** The bytes a test captured, as UTF-8. */
  private static String text(ByteArrayOutputStream bytes) {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** Replays the bytes as a terminal would (\r, erase-line, cursor-up, \n) and returns the screen's lines. */
  static java.util.List<String> render(String bytes) {
    java.util.List<StringBuilder> lines = new java.util.ArrayList<>();
    lines.add(new StringBuilder());
    int row = 0;
    int col = 0;
    for (int i = 0; i < bytes.length(); i++) {
      char c = bytes.charAt(i);
      if (c == '\u001b') {
        if (bytes.startsWith("\u001b[K", i)) {
          lines.get(row).setLength(col);
          i += 2;
        } else if (bytes.startsWith("\u001b[1A", i)) {
          row--;
          i += 3;
        } else {
          throw new AssertionError("unexpected escape at " + i);
        }
      } else if (c == '\r') {
        col = 0;
      } else if (c == '\n') {
        row++;
        col = 0;
        if (row == lines.size()) {
          lines.add(new StringBuilder());
        }
      } else {
        StringBuilder line = lines.get(row);
        if (col < line.length()) {
          line.setCharAt(col, c);
        } else {
          line.append(c);
        }
        col++;
      }
    }
    return lines.stream().map(StringBuilder::toString).toList();
  }

  @Test
  void onATerminalLinesScrollAboveTheBarsAndTheBarsStayAtTheBottom() {
    Terminal t = terminal(true, 40);
    Object study = new Object();
    Object run = new Object();
    t.log("10:00:01 INFO  StudyRunner - demo: 48 runs");
    t.bar(study, "study demo  10% [=>        ] 5/48 runs");
    t.bar(run, "coop world_shapes seed1  40% [====>   ] 19/48 steps");
    t.result("[5/48] coop world_shapes seed1: base 91.3% new 80.1% (2.1 s)");
    t.bar(run, "coop world_shapes seed1  60% [=====>  ] 29/48 steps");
    t.log("10:00:09 WARN  FeatureStore - a warning");
    assertThat(render(text(screen))).containsExactly(
        "10:00:01 INFO  StudyRunner - demo: 48 runs",
        "[5/48] coop world_shapes seed1: base 91.3% new 80.1% (2.1 s)",
        "10:00:09 WARN  FeatureStore - a warning",
        "study demo  10% [=>        ] 5/48 runs",
        "coop world_shapes seed1  60% [=====>  ]"); // cut to 39 columns: no bar wraps
    t.removeBar(run);
    t.removeBar(study);
    t.result("done");
    assertThat(render(text(screen))).endsWith("done", "");
    assertThat(render(text(screen))).noneMatch(l -> l.contains("steps") || l.contains("runs") && l.contains("%"));
  }

  @Test
  void anErrorAfterARunStoppedMidWayIsPrintedOnACleanLine() {
    Terminal t = terminal(true, 60);
    t.bar(new Object(), "study demo  10% [=>   ] 5/48 runs");
    t.bar(new Object(), "encoding world_objects 40% [==>  ] 64/160 img");
    t.removeAllBars();
    // the error handler prints through picocli's writer, not the terminal: nothing may be left to draw over it
    PrintStream plain = new PrintStream(screen, true, StandardCharsets.UTF_8);
    plain.println("ckcoop: error: images/bad.png: corrupt PNG");
    t.result("next");
    assertThat(render(text(screen))).containsExactly("ckcoop: error: images/bad.png: corrupt PNG", "next", "");
  }

  @Test
  void offATerminalThereAreNoBarsNoCarriageReturnsAndNoEscapes() {
    Terminal t = terminal(false, 40);
    Object bar = new Object();
    t.log("a log line");
    t.bar(bar, "study 10% [=>   ] 1/10 runs");
    t.result("a result line");
    t.removeBar(bar);
    String bytes = text(screen);
    assertThat(bytes).isEqualTo("a log line" + System.lineSeparator() + "a result line" + System.lineSeparator());
    assertThat(bytes).doesNotContain("\r").doesNotContain("\u001b");
  }

  @Test
  void aConsoleProgressOffATerminalDrawsNothing() {
    Terminal t = terminal(false, 80);
    try (ConsoleProgress p = new ConsoleProgress(t, "encoding", 10, "img", true)) {
      p.accept(10);
    }
    assertThat(text(screen)).isEmpty();
  }

  @Test
  void aConsoleProgressOnATerminalDrawsItsBarAndRemovesItWhenClosed() {
    Terminal t = terminal(true, 80);
    try (ConsoleProgress p = new ConsoleProgress(t, "encoding", 10, "img", true)) {
      p.accept(4);
      t.result("a line while encoding");
    }
    java.util.List<String> shown = render(text(screen));
    assertThat(shown.get(0)).isEqualTo("a line while encoding");
    assertThat(shown.subList(1, shown.size())).allMatch(String::isEmpty);
    assertThat(text(screen)).contains("encoding");
  }
}
