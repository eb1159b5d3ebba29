package org.ckcoop.core.learner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.ckcoop.common.engine.EngineArrays;

/**
 * Creating and overwriting a learner's trainable arrays safely: their memory belongs to the engine,
 * never to a Java buffer (see {@link EngineArrays} for why that matters to gradients).
 */
public final class TrainableArrays {
  private TrainableArrays() {}

  /** Creates an engine-owned array on {@code manager} holding {@code values} that requires a gradient. */
  public static NDArray create(NDManager manager, float[] values, Shape shape) {
    NDArray array = EngineArrays.of(manager, values, shape);
    array.setRequiresGradient(true);
    return array;
  }

  /** Copies {@code values} into {@code array}'s own storage (outside a gradient collector). */
  public static void overwrite(NDArray array, float[] values) {
    EngineArrays.overwrite(array, values);
  }
}
