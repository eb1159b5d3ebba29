package org.ckcoop.core.optim;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * Updates parameters in place from their gradients on the parameters' device, keeping its own state
 * (momentum, moments) there too; {@link #state()} copies that state out for checkpoints. Nothing goes
 * through Java arrays in a step.
 */
public interface Optimizer extends AutoCloseable {

  /**
   * Updates every parameter in place (outside a gradient collector).
   *
   * @param parameters the trainable arrays by state name (the names key the optimiser's state)
   * @param gradients the loss gradient of each, by the same names; left unchanged
   * @param learningRate this epoch's learning rate
   */
  void step(Map<String, NDArray> parameters, Map<String, NDArray> gradients, double learningRate);

  /** Returns the optimiser state by name (e.g. {@code ctx.momentum}) as Java copies, safe to keep. */
  Map<String, float[]> state();

  /** Restores a state captured by {@link #state()}. */
  void loadState(Map<String, float[]> state);

  /** Releases the state's arrays. */
  @Override
  void close();
}
