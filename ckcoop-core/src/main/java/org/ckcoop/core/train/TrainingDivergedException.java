package org.ckcoop.core.train;

import java.nio.file.Path;
import java.util.Optional;
import org.ckcoop.common.InputException;

/**
 * Training diverged: the loss or a gradient became NaN or infinite, or the learner's state or
 * optimiser state became non-finite or exploded. The run stops before the bad update (or the bad
 * checkpoint) is applied; the last good checkpoint is kept. The message names the epoch, step and
 * checkpoint; the accessors give the same facts to a study that records the run as diverged.
 */
public class TrainingDivergedException extends InputException {
  private static final long serialVersionUID = 1L;

  /** The epoch (1-based) in which training diverged. */
  private final int epoch;
  /** The step (1-based) within that epoch, or 0 when found at the epoch's end. */
  private final int step;
  /** The number of epochs whose checkpoint is kept (0: no checkpoint). */
  private final int epochsDone;
  /** The last finite training loss seen, or NaN when none was seen. */
  private final double lastFiniteLoss;
  /** The kept checkpoint, when {@code epochsDone > 0}. */
  private final transient Path checkpoint;

  /**
   * Creates the exception.
   *
   * @param message the complete message
   * @param epoch the epoch (1-based) in which training diverged
   * @param step the step (1-based) within that epoch, or 0 when found at the epoch's end
   * @param epochsDone the number of epochs whose checkpoint is kept
   * @param lastFiniteLoss the last finite training loss seen (NaN when none)
   * @param checkpoint the kept checkpoint, or null when no epoch had finished
   */
  public TrainingDivergedException(
      String message, int epoch, int step, int epochsDone, double lastFiniteLoss, Path checkpoint) {
    super(message);
    this.epoch = epoch;
    this.step = step;
    this.epochsDone = epochsDone;
    this.lastFiniteLoss = lastFiniteLoss;
    this.checkpoint = checkpoint;
  }

  /** Returns the epoch (1-based) in which training diverged. */
  public int epoch() {
    return epoch;
  }

  /** Returns the step (1-based) within the epoch, or 0 when the divergence was found at the epoch's end. */
  public int step() {
    return step;
  }

  /** Returns the number of epochs whose checkpoint is kept (0 when none is). */
  public int epochsDone() {
    return epochsDone;
  }

  /** Returns the last finite training loss seen, or NaN when none was. */
  public double lastFiniteLoss() {
    return lastFiniteLoss;
  }

  /** Returns the kept checkpoint of the last good epoch, if any epoch had finished. */
  public Optional<Path> checkpoint() {
    return Optional.ofNullable(checkpoint);
  }
}
