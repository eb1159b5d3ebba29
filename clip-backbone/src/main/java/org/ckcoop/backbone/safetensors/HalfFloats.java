package org.ckcoop.backbone.safetensors;

/**
 * Conversions between F32 and the two 16-bit float formats, done in Java because Java 17 has no
 * half-float support and the engine cannot hold BF16 arrays.
 */
public final class HalfFloats {
  private HalfFloats() {}

  /** Widens an IEEE half-precision value (its 16 bits) to a float, exactly. */
  public static float f16ToFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exponent = (h >>> 10) & 0x1f;
    int mantissa = h & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      if (mantissa == 0) {
        return Float.intBitsToFloat(sign);
      }
      float value = mantissa * 0x1p-24f; // subnormal: mantissa * 2^-24, exact in float
      return sign == 0 ? value : -value;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** Narrows a float to IEEE half precision with round-to-nearest-even (overflow gives infinity). */
  public static short floatToF16(float value) {
    int f = Float.floatToRawIntBits(value);
    int sign = (f >>> 16) & 0x8000;
    int exponent = (f >>> 23) & 0xff;
    int mantissa = f & 0x7fffff;
    if (exponent == 0xff) {
      return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0));
    }
    int e = exponent - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign;
      }
      int m = mantissa | 0x800000;
      int shift = 14 - e;
      int half = m >>> shift;
      int remainder = m & ((1 << shift) - 1);
      int halfway = 1 << (shift - 1);
      if (remainder > halfway || (remainder == halfway && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mantissa >>> 13);
    int remainder = mantissa & 0x1fff;
    if (remainder > 0x1000 || (remainder == 0x1000 && (half & 1) != 0)) {
      half++; // may carry into the exponent, which is the correct rounding
    }
    return (short) (sign | half);
  }

  /** Widens a bfloat16 value (its 16 bits) to a float: the bits become the float's high half. */
  public static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }

  /** Narrows a float to bfloat16 with round-to-nearest-even (NaN stays NaN). */
  public static short floatToBf16(float value) {
    int f = Float.floatToRawIntBits(value);
    if ((f & 0x7fffffff) > 0x7f800000) {
      return (short) ((f >>> 16) | 0x40);
    }
    int rounding = 0x7fff + ((f >>> 16) & 1);
    return (short) ((f + rounding) >>> 16);
  }
}
