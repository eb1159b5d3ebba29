package org.ckcoop.core.learner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Creating and overwriting a learner's trainable arrays safely. On the CPU, DJL's
 * {@code NDArray.set(float[])} re-points a tensor at a Java buffer that only that handle keeps alive;
 * writing through a copy into the tensor's own storage avoids any handle reading freed memory.
 */
public final class TrainableArrays {
  private TrainableArrays() {}

  /** Creates an array on {@code manager} holding {@code values} that requires a gradient. */
  public static NDArray create(NDManager manager, float[] values, Shape shape) {
    NDArray array = manager.create(values, shape);
    array.setRequiresGradient(true);
    return array;
  }

  /** Copies {@code values} into {@code array}'s own storage (outside a gradient collector). */
  public static void overwrite(NDArray array, float[] values) {
    if (values.length != array.getShape().size()) {
      throw new IllegalArgumentException(values.length + " values for an array of shape " + array.getShape());
    }
    try (NDManager scratch = NDManager.newBaseManager(array.getDevice())) {
      array.set(new NDIndex("..."), scratch.create(values, array.getShape()));
    }
  }
}
