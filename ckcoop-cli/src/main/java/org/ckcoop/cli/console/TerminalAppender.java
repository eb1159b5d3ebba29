package org.ckcoop.cli.console;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.nio.charset.StandardCharsets;

/**
 * The command line's Logback appender: each log line goes to standard error through the
 * {@link Terminal}, above the progress bars instead of through them. Configured in the CLI's
 * {@code logback.xml} with an encoder for the line's pattern.
 */
public final class TerminalAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
  private Encoder<ILoggingEvent> encoder;

  /** Sets the encoder that formats a line (Logback calls it from the configuration). */
  public void setEncoder(Encoder<ILoggingEvent> encoder) {
    this.encoder = encoder;
  }

  @Override
  public void start() {
    if (encoder == null) {
      addError("no encoder set for the terminal appender " + getName());
      return;
    }
    super.start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
    for (String part : line.split("\n", -1)) {
      if (!part.isEmpty()) {
        Terminal.process().log(part.endsWith("\r") ? part.substring(0, part.length() - 1) : part);
      }
    }
  }
}
