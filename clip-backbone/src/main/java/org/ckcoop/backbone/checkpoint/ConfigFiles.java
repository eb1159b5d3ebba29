package org.ckcoop.backbone.checkpoint;

import org.ckcoop.common.files.AtomicWrite;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads and writes the JSON config files of checkpoint layouts, with errors naming file and key. */
final class ConfigFiles {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ConfigFiles() {}

  static JsonNode read(Path file) {
    try {
      JsonNode node = JSON.readTree(file.toFile());
      if (node == null || !node.isObject()) {
        throw new CheckpointException(file, "expected a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new CheckpointException(file, "not valid JSON: " + e.getMessage(), e);
    }
  }

  static void write(Path file, ObjectNode node) {
    try {
      AtomicWrite.text(file, JSON.writeValueAsString(node) + "\n");
    } catch (IOException e) {
      throw new CheckpointException(file, "cannot write: " + e.getMessage(), e);
    }
  }

  static void createFolder(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new CheckpointException(dir, "cannot create folder: " + e.getMessage(), e);
    }
  }

  /** Reads an integer (or a square [n, n] pair) at {@code key}, or the default when absent. */
  static int intValue(Path file, JsonNode node, String path, String key, int defaultValue) {
    JsonNode v = node == null ? null : node.get(key);
    if (v == null || v.isNull()) {
      return defaultValue;
    }
    if (v.isArray() && v.size() == 2 && v.get(0).isInt() && v.get(0).asInt() == v.get(1).asInt()) {
      return v.get(0).asInt();
    }
    if (!v.isIntegralNumber()) {
      throw new CheckpointException(file, path + key + " is " + v + ", expected an integer");
    }
    return v.asInt();
  }

  static double doubleValue(Path file, JsonNode node, String path, String key, double defaultValue) {
    JsonNode v = node == null ? null : node.get(key);
    if (v == null || v.isNull()) {
      return defaultValue;
    }
    if (!v.isNumber()) {
      throw new CheckpointException(file, path + key + " is " + v + ", expected a number");
    }
    return v.asDouble();
  }

  static double[] triple(Path file, JsonNode node, String key, double[] defaultValue) {
    JsonNode v = node == null ? null : node.get(key);
    if (v == null || v.isNull()) {
      return defaultValue;
    }
    if (!v.isArray() || v.size() != 3) {
      throw new CheckpointException(file, key + " is " + v + ", expected three numbers (R, G, B)");
    }
    return new double[] {v.get(0).asDouble(), v.get(1).asDouble(), v.get(2).asDouble()};
  }
}
