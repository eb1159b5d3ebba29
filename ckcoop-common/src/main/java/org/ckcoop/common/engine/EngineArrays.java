package org.ckcoop.common.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The one way this project puts Java numbers into the engine: every array made here owns its memory
 * in the engine (PyTorch's allocator), never a Java buffer.
 *
 * <p>Why: in DJL 0.33 {@code NDManager.create(float[] ...)} makes a CPU tensor that points into a
 * direct Java buffer which only the array's Java handle keeps alive, and {@code x.mul(2f)} (every
 * {@code NDArray} operation taking a {@code Number}) makes such a scalar and closes it at once. Autograd
 * keeps its own reference to the tensor for the backward pass, but not to the Java buffer: when the
 * JVM collects the buffer between forward and backward, backward reads freed memory and the gradient
 * is garbage (measured: CoOp trained to 42% instead of 92%, or to NaN, with a collection every 2 ms).
 * The arrays made here are copies whose storage belongs to the tensor itself, so they are safe
 * whatever the JVM's collector does and whenever their handles are closed.
 *
 * <p>A test in ckcoop-cli ({@code EngineArraysOnlyTest}) fails on any other use of
 * {@code NDManager.create} with Java data, {@code NDArray.set} with Java data, or an
 * {@code NDArray} operation with a {@code Number} operand anywhere in the project's main code.
 */
public final class EngineArrays {
  private EngineArrays() {}

  /** Returns an engine-owned float32 array holding {@code values}, attached to {@code manager}. */
  public static NDArray of(NDManager manager, float[] values, Shape shape) {
    try (NDArray javaBacked = manager.create(values, shape)) {
      return javaBacked.duplicate();
    }
  }

  /** Returns an engine-owned int64 array holding {@code values}, attached to {@code manager}. */
  public static NDArray of(NDManager manager, long[] values, Shape shape) {
    try (NDArray javaBacked = manager.create(values, shape)) {
      return javaBacked.duplicate();
    }
  }

  /** Returns an engine-owned int32 array holding {@code values}, attached to {@code manager}. */
  public static NDArray of(NDManager manager, int[] values, Shape shape) {
    try (NDArray javaBacked = manager.create(values, shape)) {
      return javaBacked.duplicate();
    }
  }

  /** Returns an engine-owned boolean array holding {@code values}, attached to {@code manager}. */
  public static NDArray of(NDManager manager, boolean[] values, Shape shape) {
    try (NDArray javaBacked = manager.create(values, shape)) {
      return javaBacked.duplicate();
    }
  }

  /** Returns a 1-d engine-owned float32 array holding {@code values}. */
  public static NDArray of(NDManager manager, float[] values) {
    return of(manager, values, new Shape(values.length));
  }

  /**
   * Returns an engine-owned float32 0-d array holding {@code value}: what to multiply by instead of a
   * Java number. Make it once on a long-lived manager where it is used every step.
   */
  public static NDArray scalar(NDManager manager, float value) {
    return manager.full(new Shape(), value);
  }

  /**
   * Copies {@code values} into {@code array}'s own storage, keeping its identity, shape and gradient
   * flag (outside a gradient collector). Unlike {@code NDArray.set(float[])}, which on the CPU
   * re-points the tensor at a Java buffer owned by the handle, the values are copied (synchronously)
   * from a scratch array that is closed afterwards.
   */
  public static void overwrite(NDArray array, float[] values) {
    if (values.length != array.getShape().size()) {
      throw new IllegalArgumentException(values.length + " values for an array of shape " + array.getShape());
    }
    try (NDManager scratch = NDManager.newBaseManager(array.getDevice())) {
      array.set(new NDIndex("..."), scratch.create(values, array.getShape()));
    }
  }
}
