package org.ckcoop.core.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a record component as a configuration setting. Every component of a record bound by a
 * {@link ConfigSection} carries one. The component's key is its name in snake case ({@code nCtx} is
 * {@code n_ctx}, {@code classTokenPosition} is {@code class_token_position}) after the section's
 * prefix.
 *
 * <p>Supported component types: {@code int}, {@code long}, {@code double}, {@code float},
 * {@code boolean} (their boxed forms too), {@code String}, any enum (matched ignoring case, {@code -}
 * read as {@code _}), and {@code List} of any of these (a YAML list, or text with comma-separated
 * elements, optionally in brackets: {@code 2, 3} or {@code [2, 3]}; empty text is the empty list).
 *
 * <p>{@link #min()} and {@link #max()} bound numbers, and each element of a list of numbers; a bound
 * left at its infinite default does not apply.
 *
 * <pre>{@code
 * record OptimSettings(
 *     @Setting(description = "learning rate", defaultValue = "0.002", min = 0, minExclusive = true)
 *     double lr,
 *     @Setting(description = "SGD momentum", defaultValue = "0.9", min = 0, max = 1, maxExclusive = true)
 *     double momentum) {}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Setting {

  /** One line telling what the setting does, shown by {@code ckcoop learners}. */
  String description();

  /** The built-in default in the same text form a config file uses ({@code "0.002"}, {@code "end"}, {@code "2, 3"}). */
  String defaultValue();

  /** The smallest allowed value (inclusive unless {@link #minExclusive()}). */
  double min() default Double.NEGATIVE_INFINITY;

  /** The largest allowed value (inclusive unless {@link #maxExclusive()}). */
  double max() default Double.POSITIVE_INFINITY;

  /** True if the value must be strictly greater than {@link #min()}. */
  boolean minExclusive() default false;

  /** True if the value must be strictly less than {@link #max()}. */
  boolean maxExclusive() default false;

  /**
   * True for a machine-local setting: a path on this machine (a dataset root, an output or cache
   * folder) or a knob that changes where or how fast a run computes, not what it computes. A local
   * setting is resolved and recorded like any other, but it is left out of the
   * {@linkplain ResolvedConfig#hash() hash}, so a run keeps its identity when the same data sits in
   * another folder.
   */
  boolean local() default false;
}
