package org.ckcoop.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.configuration2.PropertiesConfiguration.PropertiesReader;
import org.apache.commons.configuration2.YAMLConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.ex.ConfigurationRuntimeException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads one config file into flat dotted keys, in file order. Values are text, a list of texts (a
 * YAML list) or null (a YAML key without a value).
 *
 * <p>YAML is parsed by Commons Configuration's {@link YAMLConfiguration} (SnakeYAML, safe
 * constructor, duplicate keys rejected), but flattened here from the parsed map rather than from its
 * node tree, which drops empty lists ({@code factor_shapes: []}) and reads dots inside a key as
 * escaped. Properties files are read line by line with Commons Configuration's
 * {@link PropertiesReader}, so that {@code include} is an ordinary (unknown) key rather than a silent
 * include and a key given twice is an error.
 */
final class ConfigFileReader {

  private ConfigFileReader() {}

  /**
   * Reads a {@code .yaml}, {@code .yml} or {@code .properties} file.
   *
   * @throws ConfigException naming the file when it is missing, of another type or malformed
   */
  static Map<String, Object> read(Path file) {
    if (!Files.exists(file)) {
      throw new ConfigException(file, "no such file");
    }
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(file, "not a regular file");
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".yaml") || name.endsWith(".yml")) {
      return readYaml(file);
    }
    if (name.endsWith(".properties")) {
      return readProperties(file);
    }
    throw new ConfigException(file, "unsupported file type: expected .yaml, .yml or .properties");
  }

  private static Map<String, Object> readYaml(Path file) {
    CapturingYaml yaml = new CapturingYaml();
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    try (InputStream in = Files.newInputStream(file)) {
      yaml.read(in, options);
    } catch (IOException e) {
      throw new ConfigException(file, "cannot read: " + e.getMessage(), e);
    } catch (ConfigurationException e) {
      throw yamlError(file, e);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    if (yaml.root != null) {
      flatten(file, "", yaml.root, out);
    }
    return out;
  }

  private static ConfigException yamlError(Path file, ConfigurationException e) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof MarkedYAMLException m) {
        Mark mark = m.getProblemMark() != null ? m.getProblemMark() : m.getContextMark();
        String problem = m.getProblem() != null ? m.getProblem() : m.getContext();
        String context = m.getProblemMark() != null && m.getContext() != null && m.getContextMark() != null
            ? " (" + m.getContext() + position(m.getContextMark()) + ")"
            : "";
        return new ConfigException(file, "invalid YAML" + position(mark) + ": " + problem + context, e);
      }
      if (t instanceof ClassCastException) {
        return new ConfigException(file, "expected a mapping of keys to values at the top level", e);
      }
      if (t instanceof YAMLException y) {
        return new ConfigException(file, "invalid YAML: " + y.getMessage(), e);
      }
    }
    return new ConfigException(file, "cannot read: " + e.getMessage(), e);
  }

  private static String position(Mark mark) {
    return mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
  }

  private static void flatten(Path file, String prefix, Map<?, ?> map, Map<String, Object> out) {
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      String key = prefix + entry.getKey();
      Object value = entry.getValue();
      if (value instanceof Map<?, ?> nested) {
        flatten(file, key + ".", nested, out);
        continue;
      }
      Object flat;
      if (value instanceof Collection<?> items) {
        List<String> texts = new ArrayList<>();
        for (Object item : items) {
          if (item instanceof Map || item instanceof Collection) {
            throw new ConfigException(file, "key '" + key + "': a list may hold plain values only");
          }
          texts.add(item == null ? "" : scalar(file, key, item));
        }
        flat = List.copyOf(texts);
      } else {
        flat = value == null ? null : scalar(file, key, value);
      }
      if (out.containsKey(key)) {
        throw new ConfigException(file, "key '" + key + "' is given twice");
      }
      out.put(key, flat);
    }
  }

  private static String scalar(Path file, String key, Object value) {
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    throw new ConfigException(file, "key '" + key + "': unsupported YAML value of type "
        + value.getClass().getSimpleName() + "; put it in quotes");
  }

  private static Map<String, Object> readProperties(Path file) {
    Map<String, Object> out = new LinkedHashMap<>();
    try (PropertiesReader reader = new PropertiesReader(Files.newBufferedReader(file, StandardCharsets.UTF_8))) {
      while (nextProperty(file, reader)) {
        String key = reader.getPropertyName();
        if (out.containsKey(key)) {
          throw new ConfigException(file, "line " + reader.getLineNumber() + ": key '" + key + "' is given twice");
        }
        out.put(key, reader.getPropertyValue());
      }
    } catch (CharacterCodingException e) {
      throw new ConfigException(file, "not valid UTF-8 text", e);
    } catch (IOException e) {
      throw new ConfigException(file, "cannot read: " + e.getMessage(), e);
    }
    return out;
  }

  private static boolean nextProperty(Path file, PropertiesReader reader) throws IOException {
    try {
      return reader.nextProperty();
    } catch (ConfigurationRuntimeException e) {
      throw new ConfigException(file, "line " + reader.getLineNumber() + ": " + e.getMessage(), e);
    }
  }

  /** Keeps the map SnakeYAML parsed instead of building Commons Configuration's node tree. */
  private static final class CapturingYaml extends YAMLConfiguration {
    private Map<String, Object> root;

    @Override
    protected void load(Map<String, Object> map) {
      root = map;
    }
  }
}
