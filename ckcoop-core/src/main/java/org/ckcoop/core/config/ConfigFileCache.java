package org.ckcoop.core.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Config files read once: the first {@link #read} of a file parses it, later ones return the same
 * contents. A study builds one {@link LayeredConfig} per run from the same experiment file and
 * recipes; with a cache shared by those builders each file is read from disk once per study, and every
 * run sees the same contents even if the file changes while the study is being planned.
 */
public final class ConfigFileCache {
  private final Map<Path, Map<String, Object>> contents = new HashMap<>();
  private final Map<Path, Integer> reads = new HashMap<>();

  /** Returns the file's flat keys as {@link LayeredConfig#readFile} does, reading it on first use. */
  public synchronized Map<String, Object> read(Path file) {
    Path key = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
    Map<String, Object> known = contents.get(key);
    if (known == null) {
      known = Collections.unmodifiableMap(ConfigFileReader.read(file));
      contents.put(key, known);
      reads.merge(key, 1, Integer::sum);
    }
    return known;
  }

  /** Returns how many times {@code file} was read from disk through this cache (0 or 1). */
  public synchronized int diskReads(Path file) {
    return reads.getOrDefault(file.toAbsolutePath().normalize(), 0);
  }
}
