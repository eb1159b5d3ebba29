package org.ckcoop.backbone.text;

import java.nio.file.Path;
import org.ckcoop.common.InputException;

/**
 * A tokenizer vocabulary that cannot be read, written or used; the message names the file (or
 * folder) and what was expected.
 */
public class TokenizerException extends InputException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message starts with the file. */
  public TokenizerException(Path file, String problem) {
    super(file, problem);
  }

  /** Creates an exception whose message starts with the file, keeping the cause. */
  public TokenizerException(Path file, String problem, Throwable cause) {
    super(file, problem, cause);
  }

  /** Creates an exception for a vocabulary that does not come from a file (built in memory). */
  public TokenizerException(String message) {
    super(message);
  }
}
