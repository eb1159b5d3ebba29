package org.ckcoop.core.config;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One kind of scalar setting value: how it is parsed from (trimmed) text, how it is written in
 * canonical form, and how it is named in listings and messages. Lists are handled by
 * {@link SettingField} on top of these.
 *
 * <p>Canonical forms: integers in plain decimal without sign or leading zeros ({@code +004} is
 * {@code 4}); booleans {@code true}/{@code false}; enums the lower-case constant name; decimals as
 * described in {@link #decimal(double)}; strings as they are.
 */
abstract class ValueType {

  private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
  private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");

  /** A value that cannot be used; the message says what is wrong ("expected an integer"). */
  static final class BadValue extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadValue(String problem) {
      super(problem, null, false, false);
    }
  }

  /** Parses trimmed text into the Java value of the record component (boxed). */
  abstract Object parse(String text);

  /** Returns the canonical text of a value this type parsed. */
  abstract String canonical(Object value);

  /** Returns the type's name for listings: "integer", "number", "boolean", "string" or "choice". */
  abstract String name();

  /** Returns the plural used for lists ("integers"). */
  abstract String plural();

  /** Returns what a valid value is, for messages: "an integer", "one of end, middle, front". */
  abstract String expected();

  /** Returns the allowed values for listings and messages, or "" when any value of the type is allowed. */
  String choices() {
    return "";
  }

  /** Returns true for numbers, which may have a range. */
  boolean numeric() {
    return false;
  }

  /** Returns the numeric value for range checks (numbers only), as the exact value of its canonical text. */
  BigDecimal exact(Object value) {
    throw new UnsupportedOperationException(name());
  }

  /** Returns the type for a (boxed or primitive) class, or null if it is not supported. */
  static ValueType of(Class<?> type) {
    if (type == int.class || type == Integer.class) {
      return new IntegerType(Integer.MIN_VALUE, Integer.MAX_VALUE);
    }
    if (type == long.class || type == Long.class) {
      return new IntegerType(Long.MIN_VALUE, Long.MAX_VALUE);
    }
    if (type == double.class || type == Double.class) {
      return new DecimalType(false);
    }
    if (type == float.class || type == Float.class) {
      return new DecimalType(true);
    }
    if (type == boolean.class || type == Boolean.class) {
      return new BooleanType();
    }
    if (type == String.class) {
      return new StringType();
    }
    if (type.isEnum()) {
      return new EnumType(type);
    }
    return null;
  }

  /**
   * Returns the canonical text of a double: the fewest significant digits (at most 17) that read back
   * as exactly the same double, found with exact decimal arithmetic so the result is the same on every
   * JVM and platform; plain notation when the decimal exponent is from -6 to 20 ({@code 0.002},
   * {@code 0.00001}, {@code 5}, {@code 100}), otherwise {@code d.ddde-N} ({@code 1e-7}, {@code 1.5e21}).
   * Zero (also negative zero) is {@code 0}.
   */
  static String decimal(double value) {
    if (value == 0) {
      return "0";
    }
    BigDecimal exact = new BigDecimal(value);
    for (int digits = 1; digits < 17; digits++) {
      BigDecimal rounded = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
      if (rounded.doubleValue() == value) {
        return format(rounded);
      }
    }
    return format(exact.round(new MathContext(17, RoundingMode.HALF_EVEN)));
  }

  /** Like {@link #decimal(double)}, for a float: the fewest digits that read back as the same float. */
  static String decimal(float value) {
    if (value == 0) {
      return "0";
    }
    BigDecimal exact = new BigDecimal(value);
    for (int digits = 1; digits < 9; digits++) {
      BigDecimal rounded = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
      if (rounded.floatValue() == value) {
        return format(rounded);
      }
    }
    return format(exact.round(new MathContext(9, RoundingMode.HALF_EVEN)));
  }

  private static String format(BigDecimal value) {
    BigDecimal v = value.stripTrailingZeros();
    int exponent = v.precision() - v.scale() - 1;
    if (exponent >= -6 && exponent <= 20) {
      return v.toPlainString();
    }
    String digits = v.unscaledValue().abs().toString();
    StringBuilder out = new StringBuilder(v.signum() < 0 ? "-" : "");
    out.append(digits.charAt(0));
    if (digits.length() > 1) {
      out.append('.').append(digits, 1, digits.length());
    }
    return out.append('e').append(exponent).toString();
  }

  /** int and long. */
  private static final class IntegerType extends ValueType {
    private final long min;
    private final long max;

    IntegerType(long min, long max) {
      this.min = min;
      this.max = max;
    }

    @Override
    Object parse(String text) {
      if (!INTEGER.matcher(text).matches()) {
        throw new BadValue("expected " + expected());
      }
      long value;
      try {
        value = Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw new BadValue("expected an integer from " + min + " to " + max);
      }
      if (value < min || value > max) {
        throw new BadValue("expected an integer from " + min + " to " + max);
      }
      return max == Integer.MAX_VALUE ? (Object) (int) value : (Object) value;
    }

    @Override
    String canonical(Object value) {
      return value.toString();
    }

    @Override
    String expected() {
      return "an integer";
    }

    @Override
    boolean numeric() {
      return true;
    }

    @Override
    BigDecimal exact(Object value) {
      return BigDecimal.valueOf(((Number) value).longValue());
    }

    @Override
    String name() {
      return "integer";
    }

    @Override
    String plural() {
      return "integers";
    }
  }

  /** double and float. */
  private static final class DecimalType extends ValueType {
    private final boolean single;

    DecimalType(boolean single) {
      this.single = single;
    }

    @Override
    Object parse(String text) {
      if (!DECIMAL.matcher(text).matches()) {
        throw new BadValue("expected " + expected());
      }
      if (single) {
        float value = Float.parseFloat(text);
        if (Float.isInfinite(value)) {
          throw new BadValue("is too large (float)");
        }
        return value == 0 ? 0f : value;
      }
      double value = Double.parseDouble(text);
      if (Double.isInfinite(value)) {
        throw new BadValue("is too large (double)");
      }
      return value == 0 ? 0d : value;
    }

    @Override
    String canonical(Object value) {
      return single ? decimal((Float) value) : decimal((Double) value);
    }

    @Override
    String expected() {
      return "a number";
    }

    @Override
    boolean numeric() {
      return true;
    }

    @Override
    BigDecimal exact(Object value) {
      return new BigDecimal(canonical(value));
    }

    @Override
    String name() {
      return "number";
    }

    @Override
    String plural() {
      return "numbers";
    }
  }

  /** boolean: {@code true} or {@code false}, in any case. */
  private static final class BooleanType extends ValueType {
    @Override
    Object parse(String text) {
      if (text.equalsIgnoreCase("true")) {
        return Boolean.TRUE;
      }
      if (text.equalsIgnoreCase("false")) {
        return Boolean.FALSE;
      }
      throw new BadValue("expected " + expected());
    }

    @Override
    String canonical(Object value) {
      return value.toString();
    }

    @Override
    String expected() {
      return "true or false";
    }

    @Override
    String name() {
      return "boolean";
    }

    @Override
    String plural() {
      return "booleans";
    }
  }

  /** String: any text. */
  private static final class StringType extends ValueType {
    @Override
    Object parse(String text) {
      return text;
    }

    @Override
    String canonical(Object value) {
      return (String) value;
    }

    @Override
    String expected() {
      return "a string";
    }

    @Override
    String name() {
      return "string";
    }

    @Override
    String plural() {
      return "strings";
    }
  }

  /** Any enum: matched ignoring case, with {@code -} read as {@code _}; canonical lower-case name. */
  private static final class EnumType extends ValueType {
    private final List<Object> constants = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    EnumType(Class<?> type) {
      for (Object constant : type.getEnumConstants()) {
        String name = key(((Enum<?>) constant).name());
        if (names.contains(name)) {
          throw new IllegalArgumentException(
              type.getName() + " has two constants named '" + name + "' when case is ignored");
        }
        constants.add(constant);
        names.add(name);
      }
    }

    private static String key(String text) {
      return text.toLowerCase(Locale.ROOT).replace('-', '_');
    }

    @Override
    Object parse(String text) {
      int i = names.indexOf(key(text));
      if (i < 0) {
        throw new BadValue("expected " + expected());
      }
      return constants.get(i);
    }

    @Override
    String canonical(Object value) {
      return key(((Enum<?>) value).name());
    }

    @Override
    String expected() {
      return "one of " + choices();
    }

    @Override
    String choices() {
      return String.join(", ", names);
    }

    @Override
    String name() {
      return "choice";
    }

    @Override
    String plural() {
      return "choices";
    }
  }
}
