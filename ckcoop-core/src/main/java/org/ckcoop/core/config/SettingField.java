package org.ckcoop.core.config;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import org.ckcoop.core.config.ValueType.BadValue;

/** One {@link Setting}-annotated record component of a section: its key, type, range and default. */
final class SettingField {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  private final RecordComponent component;
  private final String key;
  private final Setting setting;
  private final ValueType type;
  private final boolean list;
  private final String defaultText;

  /**
   * Reads a component's declaration.
   *
   * @throws IllegalArgumentException if it has no {@link Setting}, an unsupported type, a bad range
   *     or a default that is not a valid value
   */
  SettingField(String prefix, RecordComponent component) {
    this.component = component;
    String where = component.getDeclaringRecord().getName() + "." + component.getName();
    this.setting = component.getAnnotation(Setting.class);
    if (setting == null) {
      throw new IllegalArgumentException(where + " has no @Setting annotation");
    }
    String name = snakeCase(component.getName());
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(where + ": key '" + name + "' is not lower snake case");
    }
    this.key = prefix + "." + name;
    Type generic = component.getGenericType();
    if (component.getType() == List.class) {
      list = true;
      Type element = generic instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : null;
      type = element instanceof Class<?> c ? ValueType.of(c) : null;
    } else {
      list = false;
      type = ValueType.of(component.getType());
    }
    if (type == null) {
      throw new IllegalArgumentException(where + ": unsupported type " + generic.getTypeName()
          + " (use int, long, double, float, boolean, String, an enum, or a List of one of these)");
    }
    if (setting.description().isBlank()) {
      throw new IllegalArgumentException(where + ": @Setting needs a description");
    }
    double min = setting.min();
    double max = setting.max();
    if (Double.isNaN(min) || Double.isNaN(max) || min > max
        || min == Double.POSITIVE_INFINITY || max == Double.NEGATIVE_INFINITY) {
      throw new IllegalArgumentException(where + ": bad range min = " + min + ", max = " + max);
    }
    if (hasRange() && !type.numeric()) {
      throw new IllegalArgumentException(where + ": min and max apply to numbers only");
    }
    try {
      this.defaultText = canonical(convert(setting.defaultValue()));
    } catch (BadValue | OutOfRange e) {
      throw new IllegalArgumentException(
          where + ": default '" + setting.defaultValue() + "' is not a valid value: " + e.getMessage());
    }
  }

  /** Returns the full key, e.g. {@code learner.coop.n_ctx}. */
  String key() {
    return key;
  }

  /** Returns true if the setting is machine-local (left out of the config hash; see {@link Setting#local()}). */
  boolean local() {
    return setting.local();
  }

  /** Returns the record component. */
  RecordComponent component() {
    return component;
  }

  /** Returns the default as text, as declared (it is a valid value). */
  String declaredDefault() {
    return setting.defaultValue();
  }

  /**
   * Converts a raw value (text, or the elements of a YAML list) into the component's value, checking
   * type and range.
   *
   * @throws ConfigException naming the key, the value and its source, and what is wrong
   */
  Object convert(Object raw, String source) {
    try {
      return convert(raw);
    } catch (BadValue e) {
      throw new ConfigException(key + " = " + display(raw) + " (from " + source + ")", e.getMessage());
    } catch (OutOfRange e) {
      throw new ConfigException(key + " = " + e.value + " (from " + source + ")", e.problem);
    }
  }

  /** Returns the canonical text of a value of this component (see {@link ResolvedConfig}). */
  String canonical(Object value) {
    if (!list) {
      return type.canonical(value);
    }
    List<String> items = new ArrayList<>();
    for (Object item : (List<?>) value) {
      items.add(type.canonical(item));
    }
    return "[" + String.join(", ", items) + "]";
  }

  /** Returns this setting as listed by {@code ckcoop learners}. */
  SettingInfo info() {
    String allowed = type.choices().isEmpty() ? rangeText() : "one of " + type.choices();
    if (list && !allowed.isEmpty()) {
      allowed = "each " + allowed;
    }
    String typeName = list ? "list of " + type.plural() : type.name();
    return new SettingInfo(key, typeName, defaultText, allowed, setting.description());
  }

  private Object convert(Object raw) {
    if (!list) {
      if (raw instanceof List) {
        throw new BadValue("expected " + type.expected() + ", not a list");
      }
      Object value = type.parse(((String) raw).trim());
      checkRange(value);
      return value;
    }
    List<String> items = raw instanceof List<?> l ? strings(l) : split((String) raw);
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String item = items.get(i).trim();
      String element = "element " + (i + 1);
      if (item.isEmpty()) {
        throw new BadValue(element + " is empty");
      }
      if (item.contains(",")) {
        throw new BadValue(element + " ('" + item + "') contains ',', which separates list elements");
      }
      try {
        values.add(type.parse(item));
      } catch (BadValue e) {
        throw new BadValue(element + " ('" + item + "'): " + e.getMessage());
      }
    }
    for (int i = 0; i < values.size(); i++) {
      try {
        checkRange(values.get(i));
      } catch (OutOfRange e) {
        throw new OutOfRange(canonical(values), "element " + (i + 1) + " " + e.problem);
      }
    }
    return Collections.unmodifiableList(values);
  }

  private static List<String> strings(List<?> items) {
    List<String> out = new ArrayList<>();
    for (Object item : items) {
      out.add(item == null ? "" : item.toString());
    }
    return out;
  }

  /** Splits list text: {@code 1, 2, 3} or {@code [1, 2, 3]}; empty text or {@code []} is the empty list. */
  private static List<String> split(String text) {
    String t = text.trim();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1).trim();
    }
    if (t.isEmpty()) {
      return List.of();
    }
    return List.of(t.split(",", -1));
  }

  private boolean hasRange() {
    return setting.min() != Double.NEGATIVE_INFINITY || setting.max() != Double.POSITIVE_INFINITY;
  }

  private void checkRange(Object value) {
    if (!hasRange()) {
      return;
    }
    BigDecimal v = type.exact(value);
    boolean ok = true;
    if (setting.min() != Double.NEGATIVE_INFINITY) {
      int c = v.compareTo(new BigDecimal(ValueType.decimal(setting.min())));
      ok = setting.minExclusive() ? c > 0 : c >= 0;
    }
    if (ok && setting.max() != Double.POSITIVE_INFINITY) {
      int c = v.compareTo(new BigDecimal(ValueType.decimal(setting.max())));
      ok = setting.maxExclusive() ? c < 0 : c <= 0;
    }
    if (!ok) {
      throw new OutOfRange(type.canonical(value), "must be " + rangeText());
    }
  }

  /** Returns e.g. {@code > 0} or {@code >= 0 and < 1}; empty without a range. */
  private String rangeText() {
    List<String> parts = new ArrayList<>();
    if (setting.min() != Double.NEGATIVE_INFINITY) {
      parts.add((setting.minExclusive() ? "> " : ">= ") + ValueType.decimal(setting.min()));
    }
    if (setting.max() != Double.POSITIVE_INFINITY) {
      parts.add((setting.maxExclusive() ? "< " : "<= ") + ValueType.decimal(setting.max()));
    }
    return String.join(" and ", parts);
  }

  private static String display(Object raw) {
    if (raw instanceof List<?> l) {
      return "'[" + String.join(", ", strings(l)) + "]'";
    }
    return "'" + raw.toString().trim() + "'";
  }

  /**
   * Returns the key of a component name: {@code nCtx} is {@code n_ctx}, {@code classTokenPosition}
   * is {@code class_token_position}, {@code warmupLR} is {@code warmup_lr}.
   */
  static String snakeCase(String name) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isUpperCase(c)) {
        char prev = i > 0 ? name.charAt(i - 1) : '_';
        char next = i + 1 < name.length() ? name.charAt(i + 1) : '_';
        boolean wordStart = Character.isLowerCase(prev) || Character.isDigit(prev)
            || (Character.isUpperCase(prev) && Character.isLowerCase(next));
        if (wordStart && out.length() > 0 && out.charAt(out.length() - 1) != '_') {
          out.append('_');
        }
        out.append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** A value of the right type outside the range; shown in canonical form. */
  private static final class OutOfRange extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String value;
    private final String problem;

    OutOfRange(String value, String problem) {
      super(problem, null, false, false);
      this.value = value;
      this.problem = problem;
    }
  }
}
