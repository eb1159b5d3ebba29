package org.ckcoop.kronecker;

import java.util.Locale;

/**
 * The shape [rows, cols] = [k_p, d_p] of one Kronecker factor A_p.
 *
 * @param rows k_p, at least 1
 * @param cols d_p, at least 1
 */
public record FactorShape(int rows, int cols) {

  /** Validates both sizes. */
  public FactorShape {
    if (rows < 1 || cols < 1) {
      throw new IllegalArgumentException(
          "a Kronecker factor must have at least 1 row and 1 column; got " + rows + "x" + cols);
    }
  }

  /** Parses {@code "8x8"} (rows x cols; whitespace and upper-case X allowed). */
  public static FactorShape parse(String text) {
    String[] parts = text.trim().toLowerCase(Locale.ROOT).split("\\s*x\\s*");
    if (parts.length != 2) {
      throw new IllegalArgumentException(
          "a factor shape is written ROWSxCOLS, e.g. 8x8; got '" + text + "'");
    }
    try {
      return new FactorShape(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "a factor shape is written ROWSxCOLS with positive integers, e.g. 8x8; got '" + text + "'", e);
    }
  }

  /** Returns the number of entries, k_p * d_p. */
  public int parameterCount() {
    return rows * cols;
  }

  /** Returns the shape as written in configuration: {@code ROWSxCOLS}. */
  @Override
  public String toString() {
    return rows + "x" + cols;
  }
}
