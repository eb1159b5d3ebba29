package org.ckcoop.backbone.safetensors;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The element types a safetensors file may store, with their size in bytes. */
public enum StorageType {
  /** IEEE 754 single precision. */
  F32(4),
  /** IEEE 754 half precision. */
  F16(2),
  /** bfloat16: the upper 16 bits of an F32. */
  BF16(2),
  /** IEEE 754 double precision. */
  F64(8),
  /** Signed 64-bit integer. */
  I64(8),
  /** Signed 32-bit integer. */
  I32(4),
  /** Signed 8-bit integer. */
  I8(1),
  /** Unsigned 8-bit integer. */
  U8(1),
  /** Boolean, one byte each. */
  BOOL(1);

  private final int bytes;

  StorageType(int bytes) {
    this.bytes = bytes;
  }

  /** Returns the size of one element in bytes. */
  public int bytes() {
    return bytes;
  }

  /** Returns true for the floating-point types a checkpoint's weights may use. */
  public boolean isFloatingPoint() {
    return this == F32 || this == F16 || this == BF16 || this == F64;
  }

  /**
   * Parses the dtype string of a safetensors header.
   *
   * @throws IllegalArgumentException naming the known types when {@code name} is not one
   */
  public static StorageType parse(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown dtype '"
              + name
              + "' (known: "
              + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "))
              + ")",
          e);
    }
  }
}
