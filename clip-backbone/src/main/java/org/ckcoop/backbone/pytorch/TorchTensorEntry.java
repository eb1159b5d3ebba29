package org.ckcoop.backbone.pytorch;

import java.util.Arrays;
import org.ckcoop.backbone.safetensors.StorageType;

/**
 * Where one tensor of a PyTorch checkpoint lives: a view ({@code shape}, {@code stride} and
 * {@code storageOffset}, all in elements) of a storage, the zip entry {@code data/<storageKey>}
 * holding {@code storageElements} elements of {@code type}. Several tensors may share a storage.
 *
 * @param name the state-dict name ({@code visual.transformer.resblocks.0.attn.in_proj_weight})
 * @param type the element type of the storage
 * @param shape the tensor's sizes
 * @param stride the tensor's strides, in elements
 * @param storageOffset the index in the storage of the tensor's first element
 * @param storageKey the storage's key (its entry is {@code <archive>/data/<storageKey>})
 * @param storageElements the number of elements the storage holds
 */
public record TorchTensorEntry(
    String name, StorageType type, long[] shape, long[] stride, long storageOffset, String storageKey,
    long storageElements) {

  /** Returns the number of elements, the product of the shape (1 for a scalar). */
  public long elementCount() {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** Returns true if the elements are stored in row-major order with no gaps. */
  public boolean isContiguous() {
    long expected = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      if (shape[i] != 1 && stride[i] != expected) {
        return false;
      }
      expected *= shape[i];
    }
    return true;
  }

  /**
   * Returns one past the largest storage index the view touches ({@code storageOffset} for an empty
   * tensor).
   *
   * @throws ArithmeticException if the index overflows a long (a corrupt or crafted header)
   */
  public long storageEnd() {
    if (elementCount() == 0) {
      return storageOffset;
    }
    long last = storageOffset;
    for (int i = 0; i < shape.length; i++) {
      last = Math.addExact(last, Math.multiplyExact(shape[i] - 1, stride[i]));
    }
    return Math.addExact(last, 1);
  }

  /** Returns the shape as text, e.g. {@code [768, 3, 16, 16]}. */
  public String shapeText() {
    return Arrays.toString(shape);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TorchTensorEntry t
        && name.equals(t.name)
        && type == t.type
        && Arrays.equals(shape, t.shape)
        && Arrays.equals(stride, t.stride)
        && storageOffset == t.storageOffset
        && storageKey.equals(t.storageKey)
        && storageElements == t.storageElements;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + type + " " + shapeText() + " stride " + Arrays.toString(stride) + " offset " + storageOffset
        + " of storage " + storageKey;
  }
}
