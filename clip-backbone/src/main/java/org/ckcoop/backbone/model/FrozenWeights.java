package org.ckcoop.backbone.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.common.engine.EngineArrays;

/**
 * Uploads canonical checkpoint weights to one NDManager on the backbone's device, as arrays that
 * never require gradients, in the compute type of the chosen precision (layer-norm parameters stay
 * F32).
 */
final class FrozenWeights implements TowerWeights {
  private final Map<String, FloatTensor> source;
  private final NDManager manager;
  private final Precision precision;

  FrozenWeights(Map<String, FloatTensor> source, NDManager manager, Precision precision) {
    this.source = source;
    this.manager = manager;
    this.precision = precision;
  }

  /** Returns the named weight in the compute type. */
  @Override
  public NDArray matrix(String name) {
    return upload(tensor(name).data(), new Shape(tensor(name).shape()), true);
  }

  /** Returns the named weight reshaped, in the compute type. */
  @Override
  public NDArray matrix(String name, Shape shape) {
    return upload(tensor(name).data(), shape, true);
  }

  /** Returns the transpose of a 2-D weight, in the compute type. */
  @Override
  public NDArray transposed(String name) {
    FloatTensor t = tensor(name).transpose();
    return upload(t.data(), new Shape(t.shape()), true);
  }

  /** Returns a weight that stays F32 in every precision (layer-norm parameters, lookup tables). */
  @Override
  public NDArray norm(String name) {
    return upload(tensor(name).data(), new Shape(tensor(name).shape()), false);
  }

  /**
   * Returns a 0-d constant in the compute type, owned by the weights' manager. Blocks multiply by
   * these instead of by Java numbers: {@code x.mul(2f)} makes a scalar tensor backed by a Java buffer
   * that lives only as long as its handle, and autograd keeps a reference to it for the backward pass
   * after a block's scope has closed the handle.
   */
  @Override
  public NDArray constant(float value) {
    return upload(new float[] {value}, new Shape(), true);
  }

  /** Returns a scalar weight's value. */
  float scalar(String name) {
    return tensor(name).data()[0];
  }

  private FloatTensor tensor(String name) {
    FloatTensor t = source.get(name);
    if (t == null) {
      throw new IllegalStateException("no weight " + name);
    }
    return t;
  }

  private NDArray upload(float[] data, Shape shape, boolean computeType) {
    NDArray array = EngineArrays.of(manager, data, shape);
    if (computeType && precision == Precision.FP16) {
      NDArray half = array.toType(DataType.FLOAT16, false);
      array.close();
      return half;
    }
    return array;
  }
}
