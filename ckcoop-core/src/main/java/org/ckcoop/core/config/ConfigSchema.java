package org.ckcoop.core.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The known sections, and so the known keys: a key that no section claims is an error wherever it is
 * set. Immutable; {@link #with} returns a larger schema, so learners can be added one by one.
 *
 * <p>Registration rejects, as a bug ({@link IllegalArgumentException}): two sections claiming the
 * same key (since a component's key has no dot, that means two sections with the same prefix, which
 * is rejected even when their keys differ), and a key that is also the parent of another key
 * ({@code learner.toy} as a setting next to a section {@code learner.toy}), which no YAML file could
 * set both of.
 */
public final class ConfigSchema {

  private final Map<String, ConfigSection<?>> sections;
  private final TreeMap<String, ConfigSection<?>> owners;

  private ConfigSchema(Map<String, ConfigSection<?>> sections, TreeMap<String, ConfigSection<?>> owners) {
    this.sections = sections;
    this.owners = owners;
  }

  /**
   * Creates a schema of the given sections.
   *
   * @throws IllegalArgumentException if two sections share a prefix or a key, or a key is the parent
   *     of another
   */
  public static ConfigSchema of(ConfigSection<?>... sections) {
    return of(Arrays.asList(sections));
  }

  /**
   * Creates a schema of the given sections.
   *
   * @throws IllegalArgumentException if two sections share a prefix or a key, or a key is the parent
   *     of another
   */
  public static ConfigSchema of(Collection<? extends ConfigSection<?>> sections) {
    ConfigSchema schema = new ConfigSchema(new LinkedHashMap<>(), new TreeMap<>());
    for (ConfigSection<?> section : sections) {
      schema = schema.with(section);
    }
    return schema;
  }

  /**
   * Returns this schema plus one section.
   *
   * @throws IllegalArgumentException if the section's prefix or one of its keys is already taken, or
   *     one of its keys is the parent of a known key or the other way round
   */
  public ConfigSchema with(ConfigSection<?> section) {
    ConfigSection<?> same = sections.get(section.prefix());
    if (same != null) {
      throw new IllegalArgumentException("two sections with prefix '" + section.prefix() + "': "
          + same.type().getName() + " and " + section.type().getName());
    }
    TreeMap<String, ConfigSection<?>> newOwners = new TreeMap<>(owners);
    for (String key : section.keys()) {
      ConfigSection<?> owner = newOwners.putIfAbsent(key, section);
      if (owner != null) {
        throw new IllegalArgumentException("key '" + key + "' is claimed by both " + owner + " and " + section);
      }
    }
    for (String key : section.keys()) {
      String child = newOwners.ceilingKey(key + ".");
      if (child != null && child.startsWith(key + ".")) {
        throw new IllegalArgumentException("key '" + key + "' of " + section + " is also the parent of key '"
            + child + "' of " + newOwners.get(child));
      }
      for (int dot = key.lastIndexOf('.'); dot > 0; dot = key.lastIndexOf('.', dot - 1)) {
        String parent = key.substring(0, dot);
        if (newOwners.containsKey(parent)) {
          throw new IllegalArgumentException("key '" + parent + "' of " + newOwners.get(parent)
              + " is also the parent of key '" + key + "' of " + section);
        }
      }
    }
    Map<String, ConfigSection<?>> newSections = new LinkedHashMap<>(sections);
    newSections.put(section.prefix(), section);
    return new ConfigSchema(newSections, newOwners);
  }

  /** Returns the sections in the order they were added. */
  public List<ConfigSection<?>> sections() {
    return List.copyOf(sections.values());
  }

  /** Returns the section with the given prefix, if any. */
  public Optional<ConfigSection<?>> section(String prefix) {
    return Optional.ofNullable(sections.get(prefix));
  }

  /** Returns every known key, sorted. */
  public SortedSet<String> keys() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(owners.keySet()));
  }

  /** Returns true if the section (same prefix and type) is part of this schema. */
  boolean contains(ConfigSection<?> section) {
    return section.equals(sections.get(section.prefix()));
  }

  /** Returns true if the key is known. */
  boolean isKey(String key) {
    return owners.containsKey(key);
  }

  /** Returns true if some known key starts with {@code key + "."} (a YAML map that holds settings). */
  boolean isParent(String key) {
    String child = owners.ceilingKey(key + ".");
    return child != null && child.startsWith(key + ".");
  }

  /**
   * Returns the known key closest to an unknown one, or null if none is reasonably close: the edit
   * distance (ignoring case) is at most a fifth of the key's length, at least 1 and at most 3. Ties
   * go to the key that sorts first.
   */
  String closestKey(String unknown) {
    String probe = unknown.toLowerCase(Locale.ROOT);
    int limit = Math.max(1, Math.min(3, unknown.length() / 5));
    String best = null;
    int bestDistance = limit + 1;
    for (String key : owners.keySet()) {
      int d = distance(probe, key);
      if (d < bestDistance) {
        best = key;
        bestDistance = d;
      }
    }
    return best;
  }

  /** Levenshtein distance. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }

  @Override
  public String toString() {
    List<String> prefixes = new ArrayList<>(sections.keySet());
    return "ConfigSchema" + prefixes;
  }
}
