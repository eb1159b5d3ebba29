package org.ckcoop.core.train;

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
    OptimizerName name,
    double lr,
    double momentum,
    double weightDecay,
    double beta1,
    double beta2,
    double eps,
    LearningRateSchedule.Kind schedule,
    int warmupEpochs,
    LearningRateSchedule.Warmup warmupType,
    double warmupLr) {

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

  /** Returns a fresh optimiser. */
  public Optimizer newOptimizer() {
    return switch (name) {
      case SGD -> new Sgd(momentum, weightDecay);
      case ADAMW -> new AdamW(beta1, beta2, eps, weightDecay);
    };
  }

  /** Returns the schedule over {@code epochs}. */
  public LearningRateSchedule schedule(int epochs) {
    return new LearningRateSchedule(schedule, lr, epochs, warmupEpochs, warmupType, warmupLr);
  }
}
