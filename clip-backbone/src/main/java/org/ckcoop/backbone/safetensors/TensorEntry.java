package org.ckcoop.backbone.safetensors;

import java.util.Arrays;

/**
 * One tensor's header entry: its name, element type, shape and byte range (relative to the start
 * of the data section).
 */
public record TensorEntry(String name, StorageType type, long[] shape, long begin, long end) {

  /** Returns the number of elements, the product of the shape (1 for a scalar). */
  public long elementCount() {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** Returns the shape as text, e.g. {@code [768, 3, 16, 16]}. */
  public String shapeText() {
    return Arrays.toString(shape);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorEntry t
        && name.equals(t.name)
        && type == t.type
        && Arrays.equals(shape, t.shape)
        && begin == t.begin
        && end == t.end;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + type + " " + shapeText();
  }
}
