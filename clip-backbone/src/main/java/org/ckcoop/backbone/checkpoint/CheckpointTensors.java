package org.ckcoop.backbone.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.ckcoop.backbone.pytorch.TorchCheckpointException;
import org.ckcoop.backbone.pytorch.TorchCheckpointFile;
import org.ckcoop.backbone.pytorch.TorchTensorEntry;
import org.ckcoop.backbone.safetensors.SafetensorsException;
import org.ckcoop.backbone.safetensors.SafetensorsFile;
import org.ckcoop.backbone.safetensors.StorageType;
import org.ckcoop.backbone.safetensors.TensorEntry;
import org.ckcoop.common.InputException;

/**
 * The tensors of a checkpoint stored as one weights file or as shards listed by an index file (a
 * {@code weight_map}), addressed by name across all files. A weights file is a safetensors file
 * ({@code *.safetensors}) or a PyTorch file ({@code torch.save} or TorchScript zip archive: {@code
 * *.bin}, {@code *.pt}, {@code *.pth}, read by {@link TorchCheckpointFile} without running pickled
 * code); both open the same way and give the same tensors.
 *
 * <p>For a base name ({@code model}, {@code open_clip_model}) the files looked for are, in order:
 * {@code <base>.safetensors.index.json}, {@code <base>.safetensors}, then the PyTorch names of the
 * same checkpoint ({@link #pytorchBase(String)}: {@code pytorch_model}, {@code
 * open_clip_pytorch_model}) with {@code .bin.index.json} and {@code .bin}. Safetensors win when both
 * are there (Hugging Face repos often carry both, with the same values).
 */
final class CheckpointTensors implements AutoCloseable {
  /** The file name endings of PyTorch weights files. */
  static final List<String> PYTORCH_SUFFIXES = List.of(".bin", ".pt", ".pth");

  private final Path description;
  private final List<WeightsFile> files;
  private final Map<String, WeightsFile> byName;

  private CheckpointTensors(Path description, List<WeightsFile> files, Map<String, WeightsFile> byName) {
    this.description = description;
    this.files = files;
    this.byName = byName;
  }

  /**
   * Returns the PyTorch base name of a checkpoint's weights: {@code pytorch_model} for Hugging Face's
   * {@code model}, {@code open_clip_pytorch_model} for open_clip's {@code open_clip_model}, else the
   * base itself.
   */
  static String pytorchBase(String base) {
    return switch (base) {
      case "model" -> "pytorch_model";
      case "open_clip_model" -> "open_clip_pytorch_model";
      default -> base;
    };
  }

  /** Returns the file names {@link #open(Path, String)} looks for, in order, for messages. */
  static List<String> candidateNames(String base) {
    String torch = pytorchBase(base);
    return List.of(base + ".safetensors.index.json", base + ".safetensors", torch + ".bin.index.json", torch + ".bin");
  }

  /** Returns true if {@code dir} holds weights under {@code base} ({@link #candidateNames(String)}). */
  static boolean exists(Path dir, String base) {
    return candidateNames(base).stream().anyMatch(n -> Files.isRegularFile(dir.resolve(n)));
  }

  /** Returns true if a file name ends as a weights file does (safetensors or PyTorch). */
  static boolean isWeightsFileName(String fileName) {
    String lower = fileName.toLowerCase(Locale.ROOT);
    return lower.endsWith(".safetensors") || PYTORCH_SUFFIXES.stream().anyMatch(lower::endsWith);
  }

  /**
   * Opens the weights of {@code dir} under {@code base}: the first of {@link #candidateNames(String)}
   * that exists.
   */
  static CheckpointTensors open(Path dir, String base) {
    for (String name : candidateNames(base)) {
      Path p = dir.resolve(name);
      if (Files.isRegularFile(p)) {
        return name.endsWith(".index.json") ? openSharded(p) : openSingle(p);
      }
    }
    return openSingle(dir.resolve(base + ".safetensors"));
  }

  /** Opens one weights file (safetensors, or a PyTorch file for any other name). */
  static CheckpointTensors openSingle(Path file) {
    WeightsFile f = openFile(file);
    Map<String, WeightsFile> byName = new LinkedHashMap<>();
    f.names().forEach(n -> byName.put(n, f));
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
    Map<String, WeightsFile> shards = new LinkedHashMap<>();
    Map<String, WeightsFile> byName = new LinkedHashMap<>();
    List<WeightsFile> files = new ArrayList<>();
    try {
      for (var it = weightMap.fields(); it.hasNext(); ) {
        var e = it.next();
        String shardName = e.getValue().asText();
        WeightsFile shard = shards.get(shardName);
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
        if (!shard.names().contains(e.getKey())) {
          throw new CheckpointException(
              shard.path(), "the shard index lists tensor '" + e.getKey() + "' in this file but it is not there");
        }
        byName.put(e.getKey(), shard);
      }
      for (WeightsFile shard : files) {
        for (String name : shard.names()) {
          byName.putIfAbsent(name, shard);
        }
      }
    } catch (RuntimeException e) {
      files.forEach(WeightsFile::close);
      throw e;
    }
    return new CheckpointTensors(index, files, byName);
  }

  private static WeightsFile openFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException(file, "weights file not found");
    }
    if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".safetensors")) {
      try {
        return new Safetensors(SafetensorsFile.open(file));
      } catch (SafetensorsException e) {
        throw new CheckpointException(file, e.problem(), e);
      }
    }
    try {
      return new PyTorch(TorchCheckpointFile.open(file));
    } catch (TorchCheckpointException e) {
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
    WeightsFile f = byName.get(name);
    return f == null ? description : f.path();
  }

  /**
   * Returns the header entry of the named tensor. For a PyTorch file the byte range is that of the
   * tensor's elements counted from 0, not a position in the file.
   */
  TensorEntry entry(String name) {
    return byName.get(name).entry(name);
  }

  /** Returns the shape of the named tensor. */
  long[] shape(String name) {
    return entry(name).shape();
  }

  /** Reads the named floating-point tensor as F32. */
  FloatTensor read(String name) {
    WeightsFile f = byName.get(name);
    TensorEntry e = f.entry(name);
    if (!e.type().isFloatingPoint()) {
      throw new CheckpointException(
          f.path(), "tensor '" + name + "' is " + e.type() + ", expected a floating-point weight");
    }
    try {
      return new FloatTensor(e.shape(), f.readFloats(name));
    } catch (InputException ex) {
      throw new CheckpointException(f.path(), "cannot read tensor '" + name + "': " + ex.problem(), ex);
    }
  }

  @Override
  public void close() {
    files.forEach(WeightsFile::close);
  }

  /** One weights file of either format. */
  private interface WeightsFile extends AutoCloseable {
    Path path();

    Set<String> names();

    TensorEntry entry(String name);

    float[] readFloats(String name);

    @Override
    void close();
  }

  private record Safetensors(SafetensorsFile file) implements WeightsFile {
    @Override
    public Path path() {
      return file.path();
    }

    @Override
    public Set<String> names() {
      return file.entries().keySet();
    }

    @Override
    public TensorEntry entry(String name) {
      return file.entry(name);
    }

    @Override
    public float[] readFloats(String name) {
      return file.readFloats(name);
    }

    @Override
    public void close() {
      file.close();
    }
  }

  private record PyTorch(TorchCheckpointFile file) implements WeightsFile {
    @Override
    public Path path() {
      return file.path();
    }

    @Override
    public Set<String> names() {
      return file.entries().keySet();
    }

    @Override
    public TensorEntry entry(String name) {
      TorchTensorEntry e = file.entry(name);
      StorageType type = e.type();
      return new TensorEntry(name, type, e.shape(), 0, e.elementCount() * type.bytes());
    }

    @Override
    public float[] readFloats(String name) {
      return file.readFloats(name);
    }

    @Override
    public void close() {
      file.close();
    }
  }
}
