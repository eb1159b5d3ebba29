package org.ckcoop.core.optim;

/**
 * The project's learning-rate schedule, in two forms: the prompt learners' per-epoch one (the
 * constructor) and open_clip's per-step one for CLIP pretraining ({@link #warmupCosine}).
 *
 * <p>Per epoch, as Dassl's schedulers that CoOp, CoCoOp and KgCoOp use, stepped once per epoch: {@code warmupEpochs} warm-up epochs (constant at {@code warmupLr}, or linear as
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
  private final boolean openClip;

  /** Creates a per-epoch schedule (Dassl's). */
  public LearningRateSchedule(Kind kind, double lr, int epochs, int warmupEpochs, Warmup warmup, double warmupLr) {
    this(kind, lr, epochs, warmupEpochs, warmup, warmupLr, false);
  }

  private LearningRateSchedule(Kind kind, double lr, int epochs, int warmupEpochs, Warmup warmup, double warmupLr,
      boolean openClip) {
    this.kind = kind;
    this.lr = lr;
    this.epochs = epochs;
    this.warmupEpochs = warmupEpochs;
    this.warmup = warmup;
    this.warmupLr = warmupLr;
    this.openClip = openClip;
  }

  /**
   * open_clip's per-step schedule for pretraining: linear warm-up {@code peak * (step + 1) / warmup},
   * then cosine decay to 0 over the remaining steps, {@code 0.5 * (1 + cos(pi * e / (steps - warmup))) * peak}
   * with {@code e = step - warmup}.
   *
   * @throws IllegalArgumentException unless {@code peak > 0}, {@code warmupSteps >= 0}, {@code steps > 0}
   */
  public static LearningRateSchedule warmupCosine(double peak, int warmupSteps, int steps) {
    if (!(peak > 0) || warmupSteps < 0 || steps <= 0) {
      throw new IllegalArgumentException("learning-rate schedule needs peak > 0, warm-up >= 0 and steps > 0, got "
          + peak + ", " + warmupSteps + ", " + steps);
    }
    return new LearningRateSchedule(Kind.COSINE, peak, steps, warmupSteps, Warmup.LINEAR, 0, true);
  }

  /** Returns the learning rate used throughout epoch {@code epoch} (0-based), or step for {@link #warmupCosine}. */
  public double at(int epoch) {
    if (openClip) {
      if (epoch < warmupEpochs) {
        return lr * (epoch + 1) / warmupEpochs;
      }
      int decaySteps = epochs - warmupEpochs;
      return decaySteps <= 0 ? lr : 0.5 * (1 + Math.cos(Math.PI * (epoch - warmupEpochs) / decaySteps)) * lr;
    }
    if (epoch < warmupEpochs) {
      return warmup == Warmup.CONSTANT || epoch == 0 ? warmupLr : lr * epoch / warmupEpochs;
    }
    return switch (kind) {
      case CONSTANT -> lr;
      case COSINE -> lr * (1 + Math.cos(Math.PI * (epoch - warmupEpochs) / epochs)) / 2;
    };
  }
}
