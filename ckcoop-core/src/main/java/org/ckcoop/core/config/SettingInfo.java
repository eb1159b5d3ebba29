package org.ckcoop.core.config;

/**
 * One setting as shown by {@code ckcoop learners}.
 *
 * @param key the full key, e.g. {@code learner.coop.n_ctx}
 * @param type the value type: {@code integer}, {@code number}, {@code boolean}, {@code string},
 *     {@code choice}, or {@code list of ...} of one of these
 * @param defaultValue the built-in default in canonical form (see {@link ResolvedConfig})
 * @param allowed the allowed values or range, e.g. {@code one of end, middle, front} or
 *     {@code >= 1 and <= 64}; empty when any value of the type is allowed
 * @param description what the setting does
 */
public record SettingInfo(String key, String type, String defaultValue, String allowed, String description) {}
