package org.ckcoop.core.optim;

/**
 * The per-epoch learning rate of Dassl's schedulers as CoOp, CoCoOp and KgCoOp use them, stepped
 * once per epoch: {@code warmupEpochs} warm-up epochs (constant at {@code warmupLr}, or linear as
 * Dassl's {@code LinearWarmupScheduler}), then cosine annealing over {@code epochs} with the warm-up
 * recounted (Dassl's {@code WARMUP_RECOUNT=True}): epoch {@code e >= w} uses
 * {@code lr * (1 + cos(pi * (e - w) / epochs)) / 2}. With CoOp's recipe (w = 1, warm-up 1e-5) epoch
 * 0 uses 1e-5, epoch 1 uses 0.002, and the cosine never reaches 0 inside training.
 */
public final class LearningRateSchedule {
  /** The schedule after warm-up. */
  public enum Kind {
    /** Cosine annealing over the epoch count. */
    COSINE,
    /** The base learning rate throughout. */
    CONSTANT
  }

  /** How the warm-up epochs' learning rate is set. */
  public enum Warmup {
    /** {@code warmupLr} for every warm-up epoch. */
    CONSTANT,
    /** Dassl's linear warm-up: {@code warmupLr} at epoch 0, then {@code lr * e / w}. */
    LINEAR
  }

  private final Kind kind;
  private final double lr;
  private final int epochs;
  private final int warmupEpochs;
  private final Warmup warmup;
  private final double warmupLr;

  /** Creates a schedule. */
  public LearningRateSchedule(Kind kind, double lr, int epochs, int warmupEpochs, Warmup warmup, double warmupLr) {
    this.kind = kind;
    this.lr = lr;
    this.epochs = epochs;
    this.warmupEpochs = warmupEpochs;
    this.warmup = warmup;
    this.warmupLr = warmupLr;
  }

  /** Returns the learning rate used throughout epoch {@code epoch} (0-based). */
  public double at(int epoch) {
    if (epoch < warmupEpochs) {
      return warmup == Warmup.CONSTANT || epoch == 0 ? warmupLr : lr * epoch / warmupEpochs;
    }
    return switch (kind) {
      case CONSTANT -> lr;
      case COSINE -> lr * (1 + Math.cos(Math.PI * (epoch - warmupEpochs) / epochs)) / 2;
    };
  }
}
