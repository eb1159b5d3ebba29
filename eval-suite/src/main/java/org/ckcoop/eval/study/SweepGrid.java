package org.ckcoop.eval.study;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ckcoop.common.InputException;
import org.ckcoop.core.config.LayeredConfig;

/**
 * The grid of a sweep (an ablation): for each config key, the values to try. The sweep runs every
 * point of the cartesian product, the first key varying slowest. A grid file is YAML (or
 * {@code .properties}) whose keys are config keys and whose values are lists (a single value is a
 * one-point axis):
 *
 * <pre>{@code
 * learner.ckcoop.use_kronecker: [true, false]
 * learner.ckcoop.k: [64, 256]
 * }</pre>
 *
 * @param axes each key with its values, in the order given
 * @param source where the grid came from (the file, or {@code --vary}), for messages
 */
public record SweepGrid(Map<String, List<String>> axes, String source) {
  /** A grid of one point without overrides (a plain run). */
  public static final SweepGrid NONE = new SweepGrid(Map.of(), "no grid");

  /** Copies the axes, keeping their order. */
  public SweepGrid {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    axes.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    axes = Collections.unmodifiableMap(copy);
  }

  /**
   * Reads a grid file.
   *
   * @throws InputException naming the file and key when a key has no value
   */
  public static SweepGrid read(Path file) {
    Map<String, List<String>> axes = new LinkedHashMap<>();
    LayeredConfig.readFile(file).forEach((key, value) -> {
      List<String> values = value instanceof List<?> list ? list.stream().map(String::valueOf).toList()
          : value == null ? List.of() : List.of(value.toString().trim());
      axes.put(key, check(file + ": key '" + key + "'", values));
    });
    if (axes.isEmpty()) {
      throw new InputException(file, "the grid is empty; expected keys with lists of values, e.g."
          + " learner.ckcoop.use_kronecker: [true, false]");
    }
    return new SweepGrid(axes, file.toString());
  }

  /**
   * Parses {@code --vary key=v1,v2,...} arguments (values cannot contain commas; use a grid file).
   *
   * @throws InputException naming the argument when it is malformed or a key is repeated
   */
  public static SweepGrid parse(List<String> varies) {
    Map<String, List<String>> axes = new LinkedHashMap<>();
    for (String vary : varies) {
      int eq = vary.indexOf('=');
      String key = eq < 0 ? "" : vary.substring(0, eq).trim();
      if (key.isEmpty()) {
        throw new InputException("--vary '" + vary + "'", "expected key=value1,value2,...");
      }
      List<String> values = new ArrayList<>();
      for (String v : vary.substring(eq + 1).split(",", -1)) {
        values.add(v.trim());
      }
      if (axes.put(key, check("--vary '" + vary + "'", values)) != null) {
        throw new InputException("--vary '" + vary + "'", "key '" + key + "' is varied twice");
      }
    }
    return new SweepGrid(axes, "--vary");
  }

  private static List<String> check(String where, List<String> values) {
    if (values.isEmpty() || values.stream().anyMatch(String::isBlank)) {
      throw new InputException(where, "expected a list of non-empty values, got " + values);
    }
    if (values.stream().distinct().count() != values.size()) {
      throw new InputException(where, "a value is listed twice: " + values);
    }
    return values;
  }

  /** Returns every point of the grid (key to value, in axis order), the first key varying slowest. */
  public List<Map<String, String>> points() {
    List<Map<String, String>> points = new ArrayList<>();
    points.add(new LinkedHashMap<>());
    for (Map.Entry<String, List<String>> axis : axes.entrySet()) {
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> point : points) {
        for (String value : axis.getValue()) {
          Map<String, String> p = new LinkedHashMap<>(point);
          p.put(axis.getKey(), value);
          next.add(p);
        }
      }
      points = next;
    }
    return points.stream().map(Collections::unmodifiableMap).toList();
  }
}
