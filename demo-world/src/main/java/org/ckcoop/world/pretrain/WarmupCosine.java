package org.ckcoop.world.pretrain;

/**
 * open_clip's learning-rate schedule per step: linear warm-up {@code lr * (step + 1) / warmup}, then
 * cosine decay {@code 0.5 * (1 + cos(pi * e / (steps - warmup))) * lr} with {@code e = step - warmup}.
 *
 * @param peak the learning rate reached at the end of the warm-up
 * @param warmupSteps steps of linear warm-up
 * @param steps total steps
 */
public record WarmupCosine(double peak, int warmupSteps, int steps) {

  /** Validates the values. */
  public WarmupCosine {
    if (!(peak > 0) || warmupSteps < 0 || steps <= 0) {
      throw new IllegalArgumentException(
          "learning-rate schedule needs peak > 0, warm-up >= 0 and steps > 0, got " + peak + ", " + warmupSteps + ", " + steps);
    }
  }

  /** Returns the learning rate of step {@code step} (0-based). */
  public double at(int step) {
    if (step < warmupSteps) {
      return peak * (step + 1) / warmupSteps;
    }
    int decaySteps = steps - warmupSteps;
    if (decaySteps <= 0) {
      return peak;
    }
    return 0.5 * (1 + Math.cos(Math.PI * (step - warmupSteps) / decaySteps)) * peak;
  }
}
