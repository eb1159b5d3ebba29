package org.ckcoop.backbone.pytorch;

import java.nio.file.Path;
import org.ckcoop.common.InputException;

/**
 * A PyTorch checkpoint file that cannot be read or is refused (it names a Python global other than
 * those torch writes for tensors, it is in the pre-1.6 format, it is truncated or corrupt). The
 * message names the file and the problem.
 */
public class TorchCheckpointException extends InputException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message starts with the file. */
  public TorchCheckpointException(Path file, String problem) {
    super(file, problem);
  }

  /** Creates an exception whose message starts with the file, keeping the cause. */
  public TorchCheckpointException(Path file, String problem, Throwable cause) {
    super(file, problem, cause);
  }
}
