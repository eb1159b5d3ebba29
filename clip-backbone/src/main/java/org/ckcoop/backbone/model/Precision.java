package org.ckcoop.backbone.model;

import java.util.Locale;

/** The floating-point type the backbone computes in. */
public enum Precision {
  /** Single precision everywhere: the numerically faithful default. */
  FP32,
  /**
   * Half precision for matrix products on a GPU; layer norms still run in single precision, as in
   * OpenAI's CLIP. Not available on CPU.
   */
  FP16;

  /** Parses {@code fp32} or {@code fp16}, naming the allowed values otherwise. */
  public static Precision parse(String text) {
    try {
      return valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new org.ckcoop.common.InputException("unknown precision '" + text + "' (allowed: fp32, fp16)");
    }
  }
}
