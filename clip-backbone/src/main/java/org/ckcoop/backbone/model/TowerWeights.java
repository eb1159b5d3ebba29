package org.ckcoop.backbone.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Where the towers get their weight arrays from: frozen uploads for inference ({@link FrozenWeights})
 * or trainable leaves for pretraining ({@link TrainableWeights}). Names are canonical (OpenAI) weight
 * names; every array returned is owned by the implementation's manager.
 */
interface TowerWeights {

  /** Returns the named weight as stored (its canonical shape). */
  NDArray matrix(String name);

  /** Returns the named weight reshaped to {@code shape} (same values in the same order). */
  NDArray matrix(String name, Shape shape);

  /** Returns the transpose of a 2-D weight. */
  NDArray transposed(String name);

  /** Returns a weight that stays F32 in every precision (layer-norm parameters, lookup tables). */
  NDArray norm(String name);

  /**
   * Returns a 0-d constant in the compute type, owned by the weights' manager and never trainable.
   * Blocks multiply by these instead of by Java numbers: {@code x.mul(2f)} makes a scalar tensor
   * backed by a Java buffer that lives only as long as its handle, and autograd keeps a reference to
   * it for the backward pass after a block's scope has closed the handle.
   */
  NDArray constant(float value);
}
