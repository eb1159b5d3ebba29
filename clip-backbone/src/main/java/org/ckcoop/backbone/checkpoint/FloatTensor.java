package org.ckcoop.backbone.checkpoint;

import java.util.Arrays;

/** A dense F32 tensor in row-major order, the form every checkpoint weight is read into. */
public record FloatTensor(long[] shape, float[] data) {

  /** Checks that the data fills the shape. */
  public FloatTensor {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException(
          data.length + " values do not fill shape " + Arrays.toString(shape));
    }
  }

  /** Returns the transpose of a 2-D tensor. */
  public FloatTensor transpose() {
    if (shape.length != 2) {
      throw new IllegalStateException("transpose needs a 2-D tensor, shape is " + Arrays.toString(shape));
    }
    int rows = (int) shape[0];
    int cols = (int) shape[1];
    float[] out = new float[data.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        out[c * rows + r] = data[r * cols + c];
      }
    }
    return new FloatTensor(new long[] {cols, rows}, out);
  }

  /** Concatenates tensors along their first axis (all other axes must agree). */
  public static FloatTensor concatRows(FloatTensor... parts) {
    long rows = 0;
    int total = 0;
    for (FloatTensor p : parts) {
      if (!Arrays.equals(Arrays.copyOfRange(p.shape, 1, p.shape.length),
          Arrays.copyOfRange(parts[0].shape, 1, parts[0].shape.length))) {
        throw new IllegalArgumentException("cannot concatenate shapes " + Arrays.toString(parts[0].shape)
            + " and " + Arrays.toString(p.shape));
      }
      rows += p.shape[0];
      total += p.data.length;
    }
    float[] out = new float[total];
    int at = 0;
    for (FloatTensor p : parts) {
      System.arraycopy(p.data, 0, out, at, p.data.length);
      at += p.data.length;
    }
    long[] shape = parts[0].shape.clone();
    shape[0] = rows;
    return new FloatTensor(shape, out);
  }

  /** Splits a tensor into {@code count} equal parts along its first axis. */
  public FloatTensor[] splitRows(int count) {
    if (shape[0] % count != 0) {
      throw new IllegalArgumentException("cannot split " + shape[0] + " rows into " + count + " parts");
    }
    FloatTensor[] parts = new FloatTensor[count];
    int size = data.length / count;
    for (int i = 0; i < count; i++) {
      long[] s = shape.clone();
      s[0] = shape[0] / count;
      parts[i] = new FloatTensor(s, Arrays.copyOfRange(data, i * size, (i + 1) * size));
    }
    return parts;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FloatTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(shape) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "FloatTensor" + Arrays.toString(shape);
  }
}
