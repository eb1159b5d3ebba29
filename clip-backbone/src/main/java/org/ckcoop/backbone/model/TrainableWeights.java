package org.ckcoop.backbone.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.common.engine.EngineArrays;

/**
 * Uploads canonical checkpoint weights as F32 leaves that require gradients, one leaf per canonical
 * weight, and remembers how each leaf maps back to the canonical tensor (as stored, transposed, or
 * reshaped from its canonical shape), so that {@link #read(String)} returns exactly the canonical
 * tensor a checkpoint stores.
 */
final class TrainableWeights implements TowerWeights {
  /** How a leaf was made from its canonical tensor. */
  private enum Mapping {
    AS_STORED,
    TRANSPOSED,
    RESHAPED
  }

  /** One leaf and what it needs to be mapped back. */
  private record Leaf(NDArray array, Mapping mapping, long[] canonicalShape) {}

  private final Map<String, FloatTensor> source;
  private final NDManager manager;
  private final Map<String, Leaf> leaves = new LinkedHashMap<>();

  TrainableWeights(Map<String, FloatTensor> source, NDManager manager) {
    this.source = source;
    this.manager = manager;
  }

  @Override
  public NDArray matrix(String name) {
    FloatTensor t = tensor(name);
    return leaf(name, t.data(), new Shape(t.shape()), Mapping.AS_STORED);
  }

  @Override
  public NDArray matrix(String name, Shape shape) {
    FloatTensor t = tensor(name);
    return leaf(name, t.data(), shape, Mapping.RESHAPED);
  }

  @Override
  public NDArray transposed(String name) {
    FloatTensor t = tensor(name).transpose();
    return leaf(name, t.data(), new Shape(t.shape()), Mapping.TRANSPOSED);
  }

  @Override
  public NDArray norm(String name) {
    return matrix(name);
  }

  @Override
  public NDArray constant(float value) {
    return EngineArrays.scalar(manager, value);
  }

  /** Returns every leaf by canonical name, in the order the towers asked for them. */
  Map<String, NDArray> leaves() {
    Map<String, NDArray> out = new LinkedHashMap<>();
    leaves.forEach((name, leaf) -> out.put(name, leaf.array()));
    return out;
  }

  /** Returns the leaf's current values as the canonical tensor (canonical shape and value order). */
  FloatTensor read(String name) {
    Leaf leaf = leaves.get(name);
    if (leaf == null) {
      throw new IllegalStateException("no trainable weight " + name);
    }
    float[] values = leaf.array().toFloatArray();
    return switch (leaf.mapping()) {
      case AS_STORED, RESHAPED -> new FloatTensor(leaf.canonicalShape(), values);
      case TRANSPOSED -> new FloatTensor(leaf.array().getShape().getShape(), values).transpose();
    };
  }

  /** Returns a canonical tensor's values in the leaf's layout (transposed for a transposed leaf). */
  float[] leafValues(String name, FloatTensor canonical) {
    Leaf leaf = leaves.get(name);
    if (leaf == null) {
      throw new IllegalStateException("no trainable weight " + name);
    }
    if (!Arrays.equals(leaf.canonicalShape(), canonical.shape())) {
      throw new IllegalArgumentException("weight " + name + " has shape " + Arrays.toString(canonical.shape())
          + ", expected " + Arrays.toString(leaf.canonicalShape()));
    }
    return leaf.mapping() == Mapping.TRANSPOSED ? canonical.transpose().data() : canonical.data();
  }

  private FloatTensor tensor(String name) {
    FloatTensor t = source.get(name);
    if (t == null) {
      throw new IllegalStateException("no weight " + name);
    }
    return t;
  }

  private NDArray leaf(String name, float[] data, Shape shape, Mapping mapping) {
    if (leaves.containsKey(name)) {
      throw new IllegalStateException("weight " + name + " was asked for twice: one leaf per weight");
    }
    NDArray array = EngineArrays.of(manager, data, shape);
    array.setRequiresGradient(true);
    leaves.put(name, new Leaf(array, mapping, Arrays.copyOf(tensor(name).shape(), tensor(name).shape().length)));
    return array;
  }
}
