package org.ckcoop.core.train;

import org.ckcoop.backbone.InputException;

/**
 * The loss became NaN or infinite. The run stops before the bad update is applied; the last
 * checkpoint (the last good epoch) is kept. The message names the epoch, step and checkpoint.
 */
public class TrainingDivergedException extends InputException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a complete message. */
  public TrainingDivergedException(String message) {
    super(message);
  }
}
