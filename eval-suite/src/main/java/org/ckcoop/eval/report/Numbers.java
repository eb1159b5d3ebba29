package org.ckcoop.eval.report;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Number formatting of the tables: two decimals, rounded half-to-even on the exact binary value (as
 * Python's and numpy's {@code %.2f} do, so that a number prints as in the field's scripts), a dot as
 * decimal separator whatever the locale.
 */
final class Numbers {
  private Numbers() {}

  /** Returns {@code value} with two decimals, e.g. {@code 71.66}. */
  static String fixed2(double value) {
    BigDecimal rounded = new BigDecimal(value).setScale(2, RoundingMode.HALF_EVEN);
    if (rounded.signum() == 0) {
      rounded = rounded.abs();
    }
    return rounded.toPlainString();
  }

  /** Returns {@code value} with two decimals and a sign, e.g. {@code +0.25}, {@code -1.03}; a value that rounds to zero is {@code 0.00}. */
  static String signed2(double value) {
    String s = fixed2(value);
    if (s.equals("0.00")) {
      return s;
    }
    return s.startsWith("-") ? s : "+" + s;
  }
}
