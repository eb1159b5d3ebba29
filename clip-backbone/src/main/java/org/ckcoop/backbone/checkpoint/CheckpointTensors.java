package org.ckcoop.backbone.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.ckcoop.backbone.safetensors.SafetensorsException;
import org.ckcoop.backbone.safetensors.SafetensorsFile;
import org.ckcoop.backbone.safetensors.TensorEntry;

/**
 * The tensors of a checkpoint stored as one safetensors file or as shards listed by an index file
 * ({@code <base>.safetensors.index.json} with a {@code weight_map}), addressed by name across all
 * files.
 */
final class CheckpointTensors implements AutoCloseable {
  private final Path description;
  private final List<SafetensorsFile> files;
  private final Map<String, SafetensorsFile> byName;

  private CheckpointTensors(Path description, List<SafetensorsFile> files, Map<String, SafetensorsFile> byName) {
    this.description = description;
    this.files = files;
    this.byName = byName;
  }

  /** Opens {@code dir/<base>.safetensors}, or the shards of {@code dir/<base>.safetensors.index.json}. */
  static CheckpointTensors open(Path dir, String base) {
    Path index = dir.resolve(base + ".safetensors.index.json");
    if (Files.isRegularFile(index)) {
      return openSharded(index);
    }
    return openSingle(dir.resolve(base + ".safetensors"));
  }

  /** Opens one safetensors file. */
  static CheckpointTensors openSingle(Path file) {
    SafetensorsFile f = openFile(file);
    Map<String, SafetensorsFile> byName = new LinkedHashMap<>();
    f.entries().keySet().forEach(n -> byName.put(n, f));
    return new CheckpointTensors(file, List.of(f), byName);
  }

  private static CheckpointTensors openSharded(Path index) {
    JsonNode weightMap;
    try {
      weightMap = new ObjectMapper().readTree(index.toFile()).get("weight_map");
    } catch (IOException e) {
      throw new CheckpointException(index, "cannot read the shard index: " + e.getMessage(), e);
    }
    if (weightMap == null || !weightMap.isObject()) {
      throw new CheckpointException(index, "the shard index has no 'weight_map' object");
    }
    Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
    Map<String, SafetensorsFile> byName = new LinkedHashMap<>();
    List<SafetensorsFile> files = new ArrayList<>();
    try {
      for (var it = weightMap.fields(); it.hasNext(); ) {
        var e = it.next();
        String shardName = e.getValue().asText();
        SafetensorsFile shard = shards.get(shardName);
        if (shard == null) {
          Path shardPath = index.resolveSibling(shardName);
          if (!Files.isRegularFile(shardPath)) {
            throw new CheckpointException(
                index, "shard '" + shardName + "' listed for tensor '" + e.getKey() + "' does not exist");
          }
          shard = openFile(shardPath);
          shards.put(shardName, shard);
          files.add(shard);
        }
        if (!shard.entries().containsKey(e.getKey())) {
          throw new CheckpointException(
              shard.path(), "the shard index lists tensor '" + e.getKey() + "' in this file but it is not there");
        }
        byName.put(e.getKey(), shard);
      }
      for (SafetensorsFile shard : files) {
        for (String name : shard.entries().keySet()) {
          byName.putIfAbsent(name, shard);
        }
      }
    } catch (RuntimeException e) {
      files.forEach(SafetensorsFile::close);
      throw e;
    }
    return new CheckpointTensors(index, files, byName);
  }

  private static SafetensorsFile openFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException(file, "weights file not found");
    }
    try {
      return SafetensorsFile.open(file);
    } catch (SafetensorsException e) {
      throw new CheckpointException(file, e.problem(), e);
    }
  }

  /** Returns the file (or index) these tensors came from, for messages. */
  Path description() {
    return description;
  }

  /** Returns the names of all tensors, sorted. */
  Set<String> names() {
    return new TreeSet<>(byName.keySet());
  }

  /** Returns true if a tensor of this name exists. */
  boolean contains(String name) {
    return byName.containsKey(name);
  }

  /** Returns the file holding the named tensor. */
  Path fileOf(String name) {
    SafetensorsFile f = byName.get(name);
    return f == null ? description : f.path();
  }

  /** Returns the header entry of the named tensor. */
  TensorEntry entry(String name) {
    return byName.get(name).entry(name);
  }

  /** Returns the shape of the named tensor. */
  long[] shape(String name) {
    return entry(name).shape();
  }

  /** Reads the named floating-point tensor as F32. */
  FloatTensor read(String name) {
    SafetensorsFile f = byName.get(name);
    TensorEntry e = f.entry(name);
    if (!e.type().isFloatingPoint()) {
      throw new CheckpointException(
          f.path(), "tensor '" + name + "' is " + e.type() + ", expected a floating-point weight");
    }
    try {
      return new FloatTensor(e.shape(), f.readFloats(name));
    } catch (SafetensorsException ex) {
      throw new CheckpointException(f.path(), "cannot read tensor '" + name + "': " + ex.problem(), ex);
    }
  }

  @Override
  public void close() {
    files.forEach(SafetensorsFile::close);
  }
}
