package org.ckcoop.core.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.configuration2.CompositeConfiguration;
import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.MapConfiguration;

/**
 * The raw settings of a run, layered from lowest to highest priority:
 *
 * <ol>
 *   <li>built-in defaults: each section's {@link Setting#defaultValue()} (source {@value #DEFAULTS});
 *   <li>the dataset file;
 *   <li>the learner file;
 *   <li>the experiment files, a later one beating an earlier one;
 *   <li>command-line overrides {@code key=value}, a later one beating an earlier one (source
 *       {@value #OVERRIDES}).
 * </ol>
 *
 * <p>Files are YAML ({@code .yaml}, {@code .yml}; nested maps are dotted keys, so
 * {@code learner: {coop: {n_ctx: 4}}} is {@code learner.coop.n_ctx: 4}; a key without a value is the
 * empty text, or nothing for a map that holds settings) or {@code .properties} (UTF-8). Values are
 * trimmed. YAML's own scalar rules apply ({@code yes} is {@code true}); quote a string to keep it as
 * it is written.
 *
 * <p>Building checks every key of every file and override against the {@link ConfigSchema}; all
 * unknown keys are reported at once, each with the closest known key when one is close. Values are
 * checked for type and range when a section is {@linkplain #bind bound} or {@linkplain #resolve
 * resolved}.
 *
 * <p>Immutable and safe to share between threads. Every key of the schema has a value (at least its
 * default) and a {@linkplain #source source}.
 */
public final class LayeredConfig {

  /** The source of a built-in default value. */
  public static final String DEFAULTS = "defaults";

  /** The source of a command-line override. */
  public static final String OVERRIDES = "--set";

  private final ConfigSchema schema;
  private final List<String> layers;
  private final Map<String, Entry> entries;

  /** A key's winning raw value (text or list of texts) and where it came from. */
  private record Entry(Object raw, String source) {}

  private LayeredConfig(ConfigSchema schema, List<String> layers, Map<String, Entry> entries) {
    this.schema = schema;
    this.layers = List.copyOf(layers);
    this.entries = Collections.unmodifiableMap(entries);
  }

  /** Starts a config over the keys of a schema. */
  public static Builder builder(ConfigSchema schema) {
    return new Builder(Objects.requireNonNull(schema, "schema"));
  }

  /**
   * Reads one config file into its flat dotted keys, in file order, without checking them against a
   * schema: each value is a text, a list of texts (a YAML list) or null (a key without a value). For
   * callers whose sections are named by keys of the file itself (a study's {@code datasets.<id>.*})
   * or that read several values per key (a sweep grid); everything else goes through a
   * {@link Builder}.
   *
   * @throws ConfigException naming the file when it is missing, of another type or malformed
   */
  public static Map<String, Object> readFile(Path file) {
    return Collections.unmodifiableMap(ConfigFileReader.read(Objects.requireNonNull(file, "file")));
  }

  /** Returns the schema the keys were checked against. */
  public ConfigSchema schema() {
    return schema;
  }

  /** Returns the sources of the layers, lowest priority first: {@code defaults}, the files, {@code --set}. */
  public List<String> layers() {
    return layers;
  }

  /** Returns every key, sorted (the schema's keys). */
  public SortedSet<String> keys() {
    return schema.keys();
  }

  /**
   * Returns where a key's value came from: {@value #DEFAULTS}, the file's path as given, or
   * {@value #OVERRIDES}.
   *
   * @throws IllegalArgumentException if the key is not in the schema
   */
  public String source(String key) {
    return entry(key).source();
  }

  /**
   * Binds a section to its record: converts and checks each value, then calls the record's
   * constructor.
   *
   * @throws ConfigException naming each key with a value of the wrong type or out of range, with its
   *     value, its source and what is allowed; or naming the section and the sources of its values when
   *     the record's constructor rejects them with an {@link IllegalArgumentException}
   * @throws IllegalArgumentException if the section is not part of the schema
   */
  public <R extends Record> R bind(ConfigSection<R> section) {
    Objects.requireNonNull(section, "section");
    if (!schema.contains(section)) {
      throw new IllegalArgumentException(section + " is not part of " + schema);
    }
    List<SettingField> fields = section.fields();
    Object[] values = new Object[fields.size()];
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      Entry e = entries.get(fields.get(i).key());
      try {
        values[i] = fields.get(i).convert(e.raw(), e.source());
      } catch (ConfigException ex) {
        problems.add(ex.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(String.join("; ", problems));
    }
    try {
      return section.instantiate(values);
    } catch (IllegalArgumentException ex) {
      List<String> set = new ArrayList<>();
      for (int i = 0; i < values.length; i++) {
        SettingField field = fields.get(i);
        String source = entries.get(field.key()).source();
        if (!source.equals(DEFAULTS)) {
          set.add(field.key() + " = " + field.canonical(values[i]) + " from " + source);
        }
      }
      String origin = set.isEmpty()
          ? "all values are defaults"
          : String.join(", ", set) + (set.size() < values.length ? "; the others are defaults" : "");
      throw new ConfigException(section.prefix(), ex.getMessage() + " (" + origin + ")", ex);
    }
  }

  /**
   * Resolves the given sections: binds each one and records the canonical value and source of each
   * of their keys. Typically {@code learner}, the chosen learner's section, {@code optim},
   * {@code train}, and whatever else the run uses.
   *
   * @throws ConfigException as {@link #bind} does, for the first section that fails
   * @throws IllegalArgumentException if a section is not part of the schema
   */
  public ResolvedConfig resolve(Collection<? extends ConfigSection<?>> sections) {
    Map<ConfigSection<?>, Record> bound = new LinkedHashMap<>();
    TreeMap<String, String> values = new TreeMap<>();
    TreeMap<String, String> sources = new TreeMap<>();
    TreeSet<String> local = new TreeSet<>();
    for (ConfigSection<?> section : new LinkedHashSet<>(sections)) {
      Record record = bind(section);
      bound.put(section, record);
      values.putAll(canonicalValues(section, record));
      for (SettingField field : section.fields()) {
        sources.put(field.key(), source(field.key()));
        if (field.local()) {
          local.add(field.key());
        }
      }
    }
    TreeMap<String, String> unused = new TreeMap<>();
    entries.forEach((key, e) -> {
      if (!values.containsKey(key) && !e.source().equals(DEFAULTS)) {
        unused.put(key, e.source());
      }
    });
    return new ResolvedConfig(bound, values, sources, unused, local);
  }

  /** Resolves the given sections; see {@link #resolve(Collection)}. */
  public ResolvedConfig resolve(ConfigSection<?>... sections) {
    return resolve(Arrays.asList(sections));
  }

  private static <R extends Record> Map<String, String> canonicalValues(ConfigSection<R> section, Record record) {
    R typed = section.type().cast(record);
    Map<String, String> out = new LinkedHashMap<>();
    for (SettingField field : section.fields()) {
      Object value = section.component(typed, field);
      if (value == null) {
        throw new IllegalStateException(section + ": the record's constructor set "
            + field.component().getName() + " to null");
      }
      out.put(field.key(), field.canonical(value));
    }
    return out;
  }

  private Entry entry(String key) {
    Entry e = entries.get(key);
    if (e == null) {
      throw new IllegalArgumentException("'" + key + "' is not a key of " + schema);
    }
    return e;
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("LayeredConfig").append(layers).append('\n');
    new TreeMap<>(entries).forEach((key, e) -> out.append(key).append(" = ").append(e.raw())
        .append("  (").append(e.source()).append(")\n"));
    return out.toString();
  }

  /**
   * Collects the files and overrides of a {@link LayeredConfig}. Files are read when {@link #build()}
   * is called; a builder may build several times (for example once to read {@code learner.name}, then
   * again with that learner's file).
   */
  public static final class Builder {
    private final ConfigSchema schema;
    private Path datasetFile;
    private Path learnerFile;
    private final List<Path> experimentFiles = new ArrayList<>();
    private final List<String> overrides = new ArrayList<>();
    private ConfigFileCache cache;

    private Builder(ConfigSchema schema) {
      this.schema = schema;
    }

    /**
     * Reads the files through {@code cache} (each file once across every builder sharing it) instead
     * of from disk at each {@link #build()}.
     */
    public Builder fileCache(ConfigFileCache cache) {
      this.cache = Objects.requireNonNull(cache, "cache");
      return this;
    }

    /** Sets the dataset file (replacing any set before). */
    public Builder datasetFile(Path file) {
      this.datasetFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /** Sets the learner file (replacing any set before). */
    public Builder learnerFile(Path file) {
      this.learnerFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /** Adds an experiment file; it beats the experiment files added before it. */
    public Builder experimentFile(Path file) {
      experimentFiles.add(Objects.requireNonNull(file, "file"));
      return this;
    }

    /** Adds experiment files in order; see {@link #experimentFile}. */
    public Builder experimentFiles(Collection<Path> files) {
      files.forEach(this::experimentFile);
      return this;
    }

    /**
     * Adds a command-line override {@code key=value} (split at the first {@code =}); it beats every
     * file and the overrides added before it. Checked by {@link #build()}.
     */
    public Builder override(String keyValue) {
      overrides.add(Objects.requireNonNull(keyValue, "keyValue"));
      return this;
    }

    /** Adds overrides in order; see {@link #override}. */
    public Builder overrides(Collection<String> keyValues) {
      keyValues.forEach(this::override);
      return this;
    }

    /**
     * Reads the files, applies the overrides and checks every key.
     *
     * @throws ConfigException for a missing or malformed file (naming it, with the line where known),
     *     a malformed override (naming it), or unknown keys (naming all of them with their file or
     *     {@code --set} and the closest known key)
     */
    public LayeredConfig build() {
      List<String> sources = new ArrayList<>();
      List<Map<String, Object>> maps = new ArrayList<>();

      Map<String, Object> defaults = new LinkedHashMap<>();
      for (ConfigSection<?> section : schema.sections()) {
        for (SettingField field : section.fields()) {
          defaults.put(field.key(), field.declaredDefault());
        }
      }
      sources.add(DEFAULTS);
      maps.add(defaults);

      List<Path> files = new ArrayList<>();
      if (datasetFile != null) {
        files.add(datasetFile);
      }
      if (learnerFile != null) {
        files.add(learnerFile);
      }
      files.addAll(experimentFiles);
      for (Path file : files) {
        sources.add(file.toString());
        maps.add(cache == null ? ConfigFileReader.read(file) : new LinkedHashMap<>(cache.read(file)));
      }

      if (!overrides.isEmpty()) {
        Map<String, Object> set = new LinkedHashMap<>();
        for (String override : overrides) {
          int eq = override.indexOf('=');
          String key = eq < 0 ? "" : override.substring(0, eq).trim();
          if (key.isEmpty()) {
            throw new ConfigException(OVERRIDES + " '" + override + "'", "expected key=value");
          }
          set.put(key, override.substring(eq + 1));
        }
        sources.add(OVERRIDES);
        maps.add(set);
      }

      checkKeys(sources, maps);

      // Commons Configuration returns the value of the first configuration that has the key:
      // add the layers highest priority first.
      List<Configuration> highestFirst = new ArrayList<>();
      for (int i = maps.size() - 1; i >= 0; i--) {
        MapConfiguration layer = new MapConfiguration(maps.get(i));
        layer.setTrimmingDisabled(true);
        highestFirst.add(layer);
      }
      CompositeConfiguration composite = new CompositeConfiguration(highestFirst);
      Map<String, Entry> entries = new LinkedHashMap<>();
      for (String key : schema.keys()) {
        int winner = maps.size() - 1;
        while (!maps.get(winner).containsKey(key)) {
          winner--;
        }
        entries.put(key, new Entry(composite.getProperty(key), sources.get(winner)));
      }
      return new LayeredConfig(schema, sources, entries);
    }

    /**
     * Drops YAML maps without values that hold settings, turns other keys without a value into the
     * empty text, and reports every unknown key.
     */
    private void checkKeys(List<String> sources, List<Map<String, Object>> maps) {
      List<String[]> unknown = new ArrayList<>();
      for (int i = 1; i < maps.size(); i++) {
        Map<String, Object> map = maps.get(i);
        for (String key : new ArrayList<>(map.keySet())) {
          if (schema.isKey(key)) {
            map.putIfAbsent(key, "");
          } else if (map.get(key) == null && schema.isParent(key)) {
            map.remove(key);
          } else {
            unknown.add(new String[] {key, sources.get(i), schema.closestKey(key)});
          }
        }
      }
      if (unknown.size() == 1) {
        String[] u = unknown.get(0);
        throw new ConfigException("unknown key '" + u[0] + "' in " + u[1]
            + (u[2] == null ? "" : "; did you mean '" + u[2] + "'?"));
      }
      if (!unknown.isEmpty()) {
        List<String> parts = new ArrayList<>();
        for (String[] u : unknown) {
          parts.add("'" + u[0] + "' in " + u[1] + (u[2] == null ? "" : " (did you mean '" + u[2] + "'?)"));
        }
        throw new ConfigException(unknown.size() + " unknown keys: " + String.join(", ", parts));
      }
    }
  }
}

