package org.ckcoop.core.optim;

import java.util.Map;

/**
 * Updates parameters from their gradients, one named parameter at a time, keeping its own state
 * (momentum, moments) as plain arrays that {@link #state()} exposes for checkpoints.
 */
public interface Optimizer {

  /**
   * Updates {@code parameter} in place.
   *
   * @param name the parameter's state name (keys the optimiser's state)
   * @param parameter current values, overwritten with the updated ones
   * @param gradient the loss gradient with respect to the parameter
   * @param learningRate this epoch's learning rate
   */
  void step(String name, float[] parameter, float[] gradient, double learningRate);

  /** Returns the optimiser state by name (e.g. {@code ctx.momentum}); copies, safe to keep. */
  Map<String, float[]> state();

  /** Restores a state captured by {@link #state()}. */
  void loadState(Map<String, float[]> state);
}
