package org.ckcoop.eval.study;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One learner configuration of a study, a column of its tables: a learner and, for a sweep point, the
 * config overrides that define it. Its label is the learner's name, or for a sweep point the name
 * with the overrides in grid order, e.g. {@code ckcoop[learner.ckcoop.use_kronecker=false]}.
 *
 * @param learner the learner's registered name
 * @param overrides the sweep point's overrides in grid order (empty outside a sweep)
 */
public record Variant(String learner, Map<String, String> overrides) {
  private static final int MAX_SLUG = 120;

  /** Copies the overrides, keeping their order. */
  public Variant {
    Objects.requireNonNull(learner, "learner");
    overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
  }

  /** Returns a variant without overrides. */
  public static Variant of(String learner) {
    return new Variant(learner, Map.of());
  }

  /** Returns the label: {@code learner} or {@code learner[key=value,key=value]}. */
  public String label() {
    if (overrides.isEmpty()) {
      return learner;
    }
    List<String> parts = new ArrayList<>();
    overrides.forEach((k, v) -> parts.add(k + "=" + v));
    return learner + "[" + String.join(",", parts) + "]";
  }

  /**
   * Returns the variant's folder name: the label with {@code [}, {@code ,} and {@code ]} turned into
   * {@code __} separators and every character other than letters, digits and {@code . _ = + -} into
   * {@code _}; a name longer than 120 characters is cut and completed with a hash of the label, so
   * distinct labels keep distinct folders.
   */
  public String slug() {
    StringBuilder out = new StringBuilder(learner.replaceAll("[^A-Za-z0-9._=+-]", "_"));
    overrides.forEach((k, v) -> out.append("__").append((k + "=" + v).replaceAll("[^A-Za-z0-9._=+-]", "_")));
    if (out.length() <= MAX_SLUG) {
      return out.toString();
    }
    try {
      String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(label().getBytes(StandardCharsets.UTF_8))).substring(0, 12);
      return out.substring(0, MAX_SLUG - 13) + "-" + hash;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return label();
  }
}
