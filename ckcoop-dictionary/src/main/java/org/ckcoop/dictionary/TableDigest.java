package org.ckcoop.dictionary;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The content identity of a float table: SHA-256 over its values as little-endian IEEE-754 float32
 * in row-major order (the same bytes as an F32 safetensors payload). The shape is not part of the
 * digest; {@link QuantizedDictionary#cacheKey} adds it.
 */
public final class TableDigest {
  private static final int BLOCK_FLOATS = 1 << 16;

  private TableDigest() {}

  /** Returns the lowercase hex SHA-256 of {@code values}. */
  public static String sha256(float[] values) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
    ByteBuffer block = ByteBuffer.allocate(BLOCK_FLOATS * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int start = 0; start < values.length; start += BLOCK_FLOATS) {
      int n = Math.min(BLOCK_FLOATS, values.length - start);
      block.clear();
      block.asFloatBuffer().put(values, start, n);
      digest.update(block.array(), 0, n * Float.BYTES);
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
