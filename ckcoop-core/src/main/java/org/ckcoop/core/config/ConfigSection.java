package org.ckcoop.core.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named group of settings: a key prefix ({@code optim}, {@code train}, {@code learner.coop}) and a
 * record type whose components are annotated with {@link Setting}. The section claims exactly the
 * keys {@code prefix + "." + key} of its components: a section {@code learner} with a component
 * {@code name} claims {@code learner.name} and nothing under {@code learner.coop}.
 *
 * <p>Everything about the record is checked when the section is created: every component has a
 * {@link Setting} with a supported type, a sane range and a valid default, and the record accepts
 * its defaults. A mistake there is a bug and throws {@link IllegalArgumentException}.
 *
 * <p>Two sections are equal when they have the same prefix and record type.
 *
 * @param <R> the record type the section binds to
 */
public final class ConfigSection<R extends Record> {

  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");

  private final String prefix;
  private final Class<R> type;
  private final String description;
  private final List<SettingField> fields;
  private final Constructor<R> constructor;

  private ConfigSection(String prefix, Class<R> type, String description) {
    this.prefix = prefix;
    this.type = type;
    this.description = description;
    List<SettingField> list = new ArrayList<>();
    RecordComponent[] components = type.getRecordComponents();
    Class<?>[] parameterTypes = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      SettingField field = new SettingField(prefix, components[i]);
      for (SettingField other : list) {
        if (other.key().equals(field.key())) {
          throw new IllegalArgumentException(type.getName() + ": components " + other.component().getName()
              + " and " + components[i].getName() + " both have key '" + field.key() + "'");
        }
      }
      list.add(field);
      parameterTypes[i] = components[i].getType();
      if (!components[i].getAccessor().trySetAccessible()) {
        throw new IllegalArgumentException(type.getName() + "." + components[i].getName() + "() is not accessible");
      }
    }
    this.fields = List.copyOf(list);
    try {
      this.constructor = type.getDeclaredConstructor(parameterTypes);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(type.getName() + " has no canonical constructor", e);
    }
    if (!constructor.trySetAccessible()) {
      throw new IllegalArgumentException(type.getName() + ": its canonical constructor is not accessible");
    }
    Object[] defaults = new Object[fields.size()];
    for (int i = 0; i < defaults.length; i++) {
      defaults[i] = fields.get(i).convert(fields.get(i).declaredDefault(), LayeredConfig.DEFAULTS);
    }
    try {
      instantiate(defaults);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "section '" + prefix + "': " + type.getName() + " rejects its own defaults: " + e.getMessage(), e);
    }
  }

  /**
   * Creates a section.
   *
   * @param prefix the key prefix: lower snake-case words separated by dots, e.g. {@code learner.coop}
   * @param type the record type; every component carries {@link Setting}
   * @param description one line for {@code ckcoop learners}
   * @throws IllegalArgumentException if the prefix is malformed, the description is blank or the
   *     record is not a valid settings record (see the class comment)
   */
  public static <R extends Record> ConfigSection<R> of(String prefix, Class<R> type, String description) {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(description, "description");
    if (!PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "section prefix '" + prefix + "' must be lower snake-case words separated by dots");
    }
    if (!type.isRecord()) {
      throw new IllegalArgumentException(type.getName() + " is not a record");
    }
    if (description.isBlank()) {
      throw new IllegalArgumentException("section '" + prefix + "' needs a description");
    }
    return new ConfigSection<>(prefix, type, description);
  }

  /** Returns the key prefix, e.g. {@code learner.coop}. */
  public String prefix() {
    return prefix;
  }

  /** Returns the record type the section binds to. */
  public Class<R> type() {
    return type;
  }

  /** Returns the one-line description. */
  public String description() {
    return description;
  }

  /** Returns the keys the section claims, in record component order. */
  public List<String> keys() {
    return fields.stream().map(SettingField::key).toList();
  }

  /** Returns the section's settings in record component order, for {@code ckcoop learners}. */
  public List<SettingInfo> settings() {
    return fields.stream().map(SettingField::info).toList();
  }

  /** Returns the settings fields in record component order. */
  List<SettingField> fields() {
    return fields;
  }

  /**
   * Creates the record from component values.
   *
   * @throws IllegalArgumentException as thrown by the record's constructor (a cross-field check)
   */
  R instantiate(Object[] values) {
    try {
      return constructor.newInstance(values);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot create " + type.getName(), e);
    }
  }

  /** Returns the current value of a component of a record of this section. */
  Object component(R record, SettingField field) {
    try {
      return field.component().getAccessor().invoke(record);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("accessor " + field.component().getName() + " failed", e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("accessor " + field.component().getName() + " is not accessible", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfigSection<?> other && prefix.equals(other.prefix) && type.equals(other.type);
  }

  @Override
  public int hashCode() {
    return prefix.hashCode() * 31 + type.hashCode();
  }

  @Override
  public String toString() {
    return "section '" + prefix + "' (" + type.getSimpleName() + ")";
  }
}
