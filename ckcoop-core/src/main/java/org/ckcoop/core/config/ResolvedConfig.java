package org.ckcoop.core.config;

import java.io.IOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.configuration2.PropertiesConfiguration.PropertiesWriter;
import org.apache.commons.configuration2.convert.DisabledListDelimiterHandler;

/**
 * The fully resolved settings of a run: for each key of the chosen sections, its canonical value and
 * its source, plus the bound records. Immutable.
 *
 * <p><b>Canonical values.</b> Integers in plain decimal ({@code +004} is {@code 4}). Decimals with the
 * fewest significant digits that read back as the same {@code double} (or {@code float}), plain
 * when the decimal exponent is from -6 to 20 and {@code d.ddde-N} otherwise: {@code 0.002},
 * {@code 2e-3} and {@code 0.0020} are all {@code 0.002}; {@code 5e-4} is {@code 0.0005}; {@code 1e-7}
 * is {@code 1e-7}; {@code 5.0} is {@code 5}. Booleans {@code true}/{@code false}. Enums the lower-case
 * constant name. Strings as given (trimmed). Lists {@code [e1, e2]} with canonical elements, {@code []}
 * when empty. Values are taken from the bound records, so whatever a record's constructor normalises
 * is what is recorded.
 *
 * <p><b>Hash.</b> {@link #hash()} is the lower-case hex SHA-256 of the UTF-8 bytes of, for every key
 * in sorted order, {@code key + "=" + value + "\n"}, where backslash, line feed and carriage return in
 * the value are written {@code \\}, {@code \n}, {@code \r}. It covers keys and values only, not
 * sources, so the same values give the same hash whichever layers they came from. Machine-local keys
 * ({@link Setting#local()}: dataset roots, output and cache folders) are left out, so the same run on
 * data stored in another folder keeps its identity; they are still in {@link #values()} and in the
 * written file.
 *
 * <p><b>File.</b> {@link #write(Path)} writes a {@code .properties} file with every key, the hash and
 * each value's source in comments; loaded back as an experiment file it resolves to the same values
 * and hash, so a run can be repeated from it.
 */
public final class ResolvedConfig {

  private final Map<ConfigSection<?>, Record> records;
  private final SortedMap<String, String> values;
  private final SortedMap<String, String> sources;
  private final SortedMap<String, String> unused;
  private final SortedSet<String> local;
  private final String hash;

  ResolvedConfig(Map<ConfigSection<?>, Record> records, TreeMap<String, String> values,
      TreeMap<String, String> sources, TreeMap<String, String> unused, TreeSet<String> local) {
    this.records = Collections.unmodifiableMap(new LinkedHashMap<>(records));
    this.values = Collections.unmodifiableSortedMap(values);
    this.sources = Collections.unmodifiableSortedMap(sources);
    this.unused = Collections.unmodifiableSortedMap(unused);
    this.local = Collections.unmodifiableSortedSet(local);
    TreeMap<String, String> hashed = new TreeMap<>(values);
    hashed.keySet().removeAll(local);
    this.hash = sha256(canonicalText(hashed));
  }

  /** Returns every resolved key with its canonical value, sorted by key. */
  public SortedMap<String, String> values() {
    return values;
  }

  /**
   * Returns the resolved keys of one section with their canonical values, sorted by key (for example
   * a learner's settings for its state file).
   *
   * @throws IllegalArgumentException if the section was not resolved
   */
  public SortedMap<String, String> values(ConfigSection<?> section) {
    check(section);
    TreeMap<String, String> out = new TreeMap<>();
    section.keys().forEach(key -> out.put(key, values.get(key)));
    return Collections.unmodifiableSortedMap(out);
  }

  /**
   * Returns the resolved keys that are machine-local ({@link Setting#local()}): recorded in
   * {@link #values()} but not part of {@link #hash()}.
   */
  public SortedSet<String> localKeys() {
    return local;
  }

  /** Returns where each resolved key's value came from ({@code defaults}, a file path or {@code --set}). */
  public SortedMap<String, String> sources() {
    return sources;
  }

  /**
   * Returns the keys set in a file or override (not left at their default) that belong to sections
   * that were not resolved, with their sources: settings this run does not use, such as those of
   * another learner. Worth a warning in the run log.
   */
  public SortedMap<String, String> unusedKeys() {
    return unused;
  }

  /** Returns the resolved sections in the order they were given. */
  public List<ConfigSection<?>> sections() {
    return List.copyOf(records.keySet());
  }

  /**
   * Returns the bound record of a resolved section.
   *
   * @throws IllegalArgumentException if the section was not resolved
   */
  public <R extends Record> R settings(ConfigSection<R> section) {
    check(section);
    return section.type().cast(records.get(section));
  }

  /**
   * Returns the run's identity: the SHA-256 (lower-case hex) of the canonical keys and values, leaving
   * out the {@linkplain #localKeys() machine-local} ones.
   */
  public String hash() {
    return hash;
  }

  /**
   * Writes the resolved config atomically as a {@code .properties} file (UTF-8, {@code \n} line ends):
   * a header with the hash, then each key sorted, preceded by a comment with its source.
   *
   * @throws IllegalArgumentException if the file name does not end with {@code .properties}
   * @throws ConfigException naming the file when it cannot be written
   */
  public void write(Path file) {
    if (!file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".properties")) {
      throw new IllegalArgumentException(file + ": a resolved config is written as .properties");
    }
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = dir.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".tmp");
      try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW)) {
        PropertiesWriter writer = new PropertiesWriter(out, DisabledListDelimiterHandler.INSTANCE);
        writer.setLineSeparator("\n");
        writer.setGlobalSeparator(" = ");
        writer.writeComment("ckcoop resolved configuration; load it as an experiment file to repeat the run");
        writer.writeComment("sha256 " + hash);
        writer.writeComment("the comment above each setting names where its value came from");
        for (Map.Entry<String, String> e : values.entrySet()) {
          writer.writeln(null);
          writer.writeComment(sources.get(e.getKey()).replaceAll("[\\r\\n]", " ")
              + (local.contains(e.getKey()) ? " (machine-local: not part of the hash)" : ""));
          writer.writeProperty(e.getKey(), e.getValue());
        }
        writer.flush();
      }
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new ConfigException(file, "cannot write: " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: the temporary file is hidden and never read
        }
      }
    }
  }

  /** Returns one line per key: {@code key = value  (source)}, sorted by key. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    values.forEach((key, value) -> out.append(key).append(" = ").append(value)
        .append("  (").append(sources.get(key)).append(")\n"));
    return out.toString();
  }

  private void check(ConfigSection<?> section) {
    if (!records.containsKey(section)) {
      throw new IllegalArgumentException(section + " was not resolved");
    }
  }

  /** The text the hash covers; see the class comment. */
  static String canonicalText(SortedMap<String, String> values) {
    StringBuilder out = new StringBuilder();
    values.forEach((key, value) -> out.append(key).append('=')
        .append(value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")).append('\n'));
    return out.toString();
  }

  private static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
