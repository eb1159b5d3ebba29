package org.ckcoop.backbone.safetensors;

import java.nio.file.Path;
import org.ckcoop.common.InputException;

/** A safetensors file that cannot be read or written; the message names the file and the problem. */
public class SafetensorsException extends InputException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message starts with the file. */
  public SafetensorsException(Path file, String problem) {
    super(file, problem);
  }

  /** Creates an exception whose message starts with the file, keeping the cause. */
  public SafetensorsException(Path file, String problem, Throwable cause) {
    super(file, problem, cause);
  }
}
