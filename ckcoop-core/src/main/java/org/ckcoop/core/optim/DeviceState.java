package org.ckcoop.core.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ckcoop.common.engine.EngineArrays;
import org.ckcoop.common.engine.EngineRuntime;

/**
 * An optimiser's per-parameter arrays (momentum, moments) on one device, in a manager of their own:
 * created outside any {@link NDScope} that happens to be open (so a scope never closes them), copied
 * out and back exactly for checkpoints.
 */
final class DeviceState implements AutoCloseable {
  private final Device device;
  private NDManager manager;
  private final Map<String, NDArray> arrays = new LinkedHashMap<>();

  DeviceState(Device device) {
    this.device = device;
  }

  /** Returns the array under {@code key}, or null. */
  NDArray get(String key) {
    return arrays.get(key);
  }

  /**
   * Returns the array under {@code key} in {@code shape} (a state restored from a checkpoint is
   * flat until its parameter is first seen), or null.
   */
  NDArray shaped(String key, Shape shape) {
    NDArray array = arrays.get(key);
    if (array != null && !array.getShape().equals(shape)) {
      NDArray reshaped = array.reshape(shape);
      NDScope.unregister(reshaped);
      arrays.put(key, reshaped);
      array.close();
      return reshaped;
    }
    return array;
  }

  /** Stores an engine-owned copy of {@code values} under {@code key} and returns it. */
  NDArray put(String key, NDArray values) {
    NDArray copy = values.duplicate();
    copy.attach(manager());
    NDScope.unregister(copy);
    NDArray old = arrays.put(key, copy);
    if (old != null) {
      old.close();
    }
    return copy;
  }

  /** Stores {@code values} as a 1-d array under {@code key}. */
  void put(String key, float[] values, Shape shape) {
    NDArray array = EngineArrays.of(manager(), values, shape);
    NDScope.unregister(array);
    NDArray old = arrays.put(key, array);
    if (old != null) {
      old.close();
    }
  }

  /** Returns Java copies of every array, by key, in insertion order. */
  Map<String, float[]> copies() {
    Map<String, float[]> out = new LinkedHashMap<>();
    arrays.forEach((k, v) -> out.put(k, v.toFloatArray()));
    return out;
  }

  /** Drops every array. */
  void clear() {
    arrays.values().forEach(NDArray::close);
    arrays.clear();
  }

  private NDManager manager() {
    if (manager == null) {
      manager = EngineRuntime.engine().newBaseManager(device);
      manager.setName("optimizer-state");
    }
    return manager;
  }

  @Override
  public void close() {
    arrays.clear();
    if (manager != null) {
      manager.close();
      manager = null;
    }
  }
}
