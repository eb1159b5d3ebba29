package org.ckcoop.backbone.checkpoint;

import java.nio.file.Path;
import org.ckcoop.common.InputException;

/**
 * A checkpoint that cannot be used: a missing or unexpected tensor, a shape that disagrees with the
 * config, an unreadable file or config. The message names the file and, where there is one, the
 * tensor with the expected and the found shape.
 */
public class CheckpointException extends InputException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message starts with the file or folder concerned. */
  public CheckpointException(Path where, String problem) {
    super(where, problem);
  }

  /** Creates an exception whose message starts with the file or folder concerned. */
  public CheckpointException(Path where, String problem, Throwable cause) {
    super(where, problem, cause);
  }
}
