package org.ckcoop.world.pretrain;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.ckcoop.common.InputException;

/**
 * Everything that decides a pretraining run. Two runs with the same settings on the same machine
 * (same engine, same thread count) write the same weights, byte for byte.
 *
 * @param corpus the corpus name ({@link PretrainCorpus#named(String)})
 * @param preset the model size
 * @param steps optimiser steps
 * @param batchSize pairs per step (the contrastive task is batch-size-way classification)
 * @param learningRate peak learning rate
 * @param weightDecay AdamW's decoupled weight decay (not applied to gains, biases and the temperature)
 * @param warmupSteps linear warm-up steps before the cosine decay
 * @param seed seeds the initial weights and which corpus examples are read
 * @param threads PyTorch intra-op threads (0: the engine's default)
 * @param device {@code cpu}, {@code gpu}, {@code gpu:N} or {@code auto}
 * @param logEvery steps per progress line and log row
 * @param stateEvery steps between resume states (a multiple of {@code logEvery})
 */
public record PretrainSettings(
    String corpus,
    MiniClipShape preset,
    int steps,
    int batchSize,
    double learningRate,
    double weightDecay,
    int warmupSteps,
    long seed,
    int threads,
    String device,
    int logEvery,
    int stateEvery) {

  /** AdamW's first-moment decay (CLIP's value). */
  public static final double BETA1 = 0.9;
  /** AdamW's second-moment decay (CLIP's value for ViTs). */
  public static final double BETA2 = 0.98;
  /** AdamW's epsilon (CLIP's value for ViTs). */
  public static final double EPSILON = 1e-6;

  /**
   * Validates the values.
   *
   * @throws InputException naming the option that is out of range
   */
  public PretrainSettings {
    positive("--steps", steps);
    positive("--batch", batchSize);
    if (batchSize < 2) {
      throw new InputException("--batch", "the contrastive loss needs at least 2 pairs per batch, got " + batchSize);
    }
    if (!(learningRate > 0)) {
      throw new InputException("--lr", "must be positive, got " + learningRate);
    }
    if (!(weightDecay >= 0)) {
      throw new InputException("--weight-decay", "must be >= 0, got " + weightDecay);
    }
    if (warmupSteps < 0) {
      throw new InputException("--warmup", "must be >= 0, got " + warmupSteps);
    }
    if (threads < 0) {
      throw new InputException("--threads", "must be >= 0 (0: the engine's default), got " + threads);
    }
    positive("--log-every", logEvery);
    positive("--state-every", stateEvery);
    if (stateEvery % logEvery != 0) {
      throw new InputException("--state-every", stateEvery + " is not a multiple of the log interval " + logEvery);
    }
  }

  private static void positive(String option, int value) {
    if (value <= 0) {
      throw new InputException(option, "must be positive, got " + value);
    }
  }

  /** The demo's run: world corpus, mini preset, 7,000 steps of 128 pairs, lr 1e-3, wd 0.1, seed 1. */
  public static PretrainSettings defaults() {
    return new PretrainSettings("world", MiniClipShape.MINI, 7000, 128, 1e-3, 0.1, 100, 1, 2, "auto", 50, 500);
  }

  /** Returns a copy with another corpus. */
  public PretrainSettings withCorpus(String value) {
    return new PretrainSettings(value, preset, steps, batchSize, learningRate, weightDecay, warmupSteps, seed, threads,
        device, logEvery, stateEvery);
  }

  /** Returns a copy with another preset. */
  public PretrainSettings withPreset(MiniClipShape value) {
    return new PretrainSettings(corpus, value, steps, batchSize, learningRate, weightDecay, warmupSteps, seed, threads,
        device, logEvery, stateEvery);
  }

  /** Returns a copy with another number of steps. */
  public PretrainSettings withSteps(int value) {
    return new PretrainSettings(corpus, preset, value, batchSize, learningRate, weightDecay, warmupSteps, seed, threads,
        device, logEvery, stateEvery);
  }

  /** Returns a copy with another batch size. */
  public PretrainSettings withBatchSize(int value) {
    return new PretrainSettings(corpus, preset, steps, value, learningRate, weightDecay, warmupSteps, seed, threads,
        device, logEvery, stateEvery);
  }

  /** Returns a copy with another peak learning rate, weight decay and warm-up. */
  public PretrainSettings withOptimiser(double lr, double wd, int warmup) {
    return new PretrainSettings(corpus, preset, steps, batchSize, lr, wd, warmup, seed, threads, device, logEvery,
        stateEvery);
  }

  /** Returns a copy with another seed. */
  public PretrainSettings withSeed(long value) {
    return new PretrainSettings(corpus, preset, steps, batchSize, learningRate, weightDecay, warmupSteps, value, threads,
        device, logEvery, stateEvery);
  }

  /** Returns a copy with another thread count and device. */
  public PretrainSettings withCompute(int threadCount, String deviceOption) {
    return new PretrainSettings(corpus, preset, steps, batchSize, learningRate, weightDecay, warmupSteps, seed,
        threadCount, deviceOption, logEvery, stateEvery);
  }

  /** Returns a copy with other log and state intervals. */
  public PretrainSettings withIntervals(int log, int state) {
    return new PretrainSettings(corpus, preset, steps, batchSize, learningRate, weightDecay, warmupSteps, seed, threads,
        device, log, state);
  }

  /** Returns the learning-rate schedule. */
  public org.ckcoop.core.optim.LearningRateSchedule schedule() {
    return org.ckcoop.core.optim.LearningRateSchedule.warmupCosine(learningRate, warmupSteps, steps);
  }

  /**
   * Returns the settings that decide the weights, as text: a resumed run must have the same ones.
   * (Threads and device are left out: they may change the last bits, not the recipe.)
   */
  public Map<String, String> recipe() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("corpus", corpus);
    out.put("preset", preset.label());
    out.put("steps", Integer.toString(steps));
    out.put("batch", Integer.toString(batchSize));
    out.put("lr", format(learningRate));
    out.put("weight_decay", format(weightDecay));
    out.put("warmup", Integer.toString(warmupSteps));
    out.put("seed", Long.toString(seed));
    out.put("adamw", format(BETA1) + "," + format(BETA2) + "," + format(EPSILON));
    return out;
  }

  /**
   * Returns the {@code ckcoop pretrain} options that make exactly this run (every recipe option
   * spelled out, plus the thread count).
   */
  public String commandOptions() {
    return String.format(Locale.ROOT,
        "--corpus %s --preset %s --steps %d --batch %d --lr %s --weight-decay %s --warmup %d --seed %d --threads %d",
        corpus, preset.label(), steps, batchSize, format(learningRate), format(weightDecay), warmupSteps, seed, threads);
  }

  /** Formats a number without exponent or trailing zeros ({@code 0.001}, {@code 0.000001}). */
  static String format(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
