package org.ckcoop.core.train;

import org.ckcoop.core.config.Setting;

/**
 * The {@code train.*} settings. Defaults follow CoOp's ViT-B/16 recipe: 200 epochs, batch 32 with
 * drop-last (when there are at least 32 examples, as Dassl does), seed 1.
 *
 * @param epochs number of epochs; the last epoch's model is the result
 * @param batchSize examples per optimisation step
 * @param dropLast drop the last incomplete batch of each epoch (only when there is at least one full batch)
 * @param seed seeds the learner's initialisation and each epoch's shuffle
 * @param evalBatchSize examples per forward pass when evaluating
 * @param maxStateGrowth how many times its initial norm (at least 1) the learnable state may grow before
 *     the run counts as diverged (checked before each checkpoint, so that an exploded state is never
 *     kept as the last good one)
 */
public record TrainSettings(
    @Setting(description = "training epochs; the last epoch's model is the result", defaultValue = "200", min = 1)
        int epochs,
    @Setting(description = "examples per optimisation step", defaultValue = "32", min = 1) int batchSize,
    @Setting(description = "drop each epoch's last incomplete batch (when there is a full one)", defaultValue = "true")
        boolean dropLast,
    @Setting(description = "seed of the learner's initialisation and of each epoch's shuffle", defaultValue = "1")
        long seed,
    @Setting(description = "examples per forward pass when evaluating", defaultValue = "100", min = 1)
        int evalBatchSize,
    @Setting(description = "how many times its initial norm (at least 1) the learnable state may grow before the"
        + " run counts as diverged", defaultValue = DEFAULT_MAX_STATE_GROWTH, min = 1, minExclusive = true)
        double maxStateGrowth) {

  /** The default of {@code train.max_state_growth}. */
  public static final String DEFAULT_MAX_STATE_GROWTH = "1000";

  /** Settings with the default {@code train.max_state_growth}. */
  public TrainSettings(int epochs, int batchSize, boolean dropLast, long seed, int evalBatchSize) {
    this(epochs, batchSize, dropLast, seed, evalBatchSize, Double.parseDouble(DEFAULT_MAX_STATE_GROWTH));
  }

  /** CoOp's recipe. */
  public static TrainSettings coop() {
    return new TrainSettings(200, 32, true, 1, 100);
  }
}
