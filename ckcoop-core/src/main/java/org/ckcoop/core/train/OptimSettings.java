package org.ckcoop.core.train;

import ai.djl.Device;

import org.ckcoop.core.config.Setting;
import org.ckcoop.core.optim.AdamW;
import org.ckcoop.core.optim.LearningRateSchedule;
import org.ckcoop.core.optim.Optimizer;
import org.ckcoop.core.optim.Sgd;

/**
 * The {@code optim.*} settings. Defaults are CoOp's recipe through Dassl: SGD, lr 0.002, momentum
 * 0.9, weight decay 5e-4, cosine schedule stepped per epoch after one constant warm-up epoch at 1e-5.
 *
 * @param name sgd or adamw
 * @param lr the base learning rate
 * @param momentum SGD momentum
 * @param weightDecay weight decay (added to the gradient for SGD, decoupled for AdamW)
 * @param beta1 AdamW's first-moment decay
 * @param beta2 AdamW's second-moment decay
 * @param eps AdamW's epsilon
 * @param schedule cosine or constant after warm-up
 * @param warmupEpochs number of warm-up epochs
 * @param warmupType constant or linear warm-up
 * @param warmupLr the warm-up learning rate
 */
public record OptimSettings(
    @Setting(description = "optimiser: sgd or adamw", defaultValue = "sgd") OptimizerName name,
    @Setting(description = "base learning rate", defaultValue = "0.002", min = 0, minExclusive = true) double lr,
    @Setting(description = "SGD momentum", defaultValue = "0.9", min = 0, max = 1, maxExclusive = true) double momentum,
    @Setting(description = "weight decay (SGD: added to the gradient; AdamW: decoupled)", defaultValue = "5e-4", min = 0)
        double weightDecay,
    @Setting(description = "AdamW first-moment decay", defaultValue = "0.9", min = 0, max = 1, maxExclusive = true)
        double beta1,
    @Setting(description = "AdamW second-moment decay", defaultValue = "0.999", min = 0, max = 1, maxExclusive = true)
        double beta2,
    @Setting(description = "AdamW epsilon", defaultValue = "1e-8", min = 0, minExclusive = true) double eps,
    @Setting(description = "schedule after warm-up, stepped per epoch: cosine or constant", defaultValue = "cosine")
        LearningRateSchedule.Kind schedule,
    @Setting(description = "number of warm-up epochs", defaultValue = "1", min = 0) int warmupEpochs,
    @Setting(description = "warm-up: constant (at warmup_lr) or linear", defaultValue = "constant")
        LearningRateSchedule.Warmup warmupType,
    @Setting(description = "learning rate of constant warm-up (and of linear warm-up's first epoch)",
        defaultValue = "1e-5", min = 0, minExclusive = true) double warmupLr) {

  /** The optimisers available. */
  public enum OptimizerName {
    /** SGD with momentum (PyTorch semantics). */
    SGD,
    /** AdamW (PyTorch semantics). */
    ADAMW
  }

  /** CoOp's recipe. */
  public static OptimSettings coop() {
    return new OptimSettings(OptimizerName.SGD, 0.002, 0.9, 5e-4, 0.9, 0.999, 1e-8,
        LearningRateSchedule.Kind.COSINE, 1, LearningRateSchedule.Warmup.CONSTANT, 1e-5);
  }

  /** Returns a fresh optimiser for parameters on {@code device}. */
  public Optimizer newOptimizer(Device device) {
    return switch (name) {
      case SGD -> new Sgd(momentum, weightDecay, device);
      case ADAMW -> new AdamW(beta1, beta2, eps, weightDecay, device);
    };
  }

  /** Returns the schedule over {@code epochs}. */
  public LearningRateSchedule schedule(int epochs) {
    return new LearningRateSchedule(schedule, lr, epochs, warmupEpochs, warmupType, warmupLr);
  }
}
