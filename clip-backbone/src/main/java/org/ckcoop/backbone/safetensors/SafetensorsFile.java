package org.ckcoop.backbone.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A safetensors file opened for reading. The header is parsed and validated when the file is
 * opened (so a truncated or corrupt file fails here, naming the tensor that does not fit); tensor
 * data is memory-mapped on demand, one tensor at a time, so files larger than 2 GiB work.
 *
 * <p>Floating-point tensors are returned as F32 whatever their storage type: F16 and BF16 are
 * widened exactly in Java.
 */
public final class SafetensorsFile implements AutoCloseable {
  /** Upper bound on the JSON header, as in the reference implementation (100 MB). */
  static final long MAX_HEADER_BYTES = 100_000_000L;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path path;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, TensorEntry> entries;
  private final Map<String, String> metadata;

  private SafetensorsFile(
      Path path,
      FileChannel channel,
      long dataStart,
      Map<String, TensorEntry> entries,
      Map<String, String> metadata) {
    this.path = path;
    this.channel = channel;
    this.dataStart = dataStart;
    this.entries = entries;
    this.metadata = metadata;
  }

  /**
   * Opens and validates a safetensors file.
   *
   * @throws SafetensorsException naming the file when it is missing, truncated or malformed
   */
  public static SafetensorsFile open(Path path) {
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new SafetensorsException(path, "file not found");
    } catch (IOException e) {
      throw new SafetensorsException(path, "cannot open: " + e.getMessage(), e);
    }
    try {
      return parse(path, channel);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  private static SafetensorsFile parse(Path path, FileChannel channel) {
    try {
      long size = channel.size();
      if (size < 8) {
        throw new SafetensorsException(
            path, "too short to be a safetensors file (" + size + " bytes, expected at least 8)");
      }
      ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(channel, lengthBytes, 0);
      long headerLength = lengthBytes.flip().getLong();
      if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
        throw new SafetensorsException(
            path,
            "corrupt or not a safetensors file: the header length field says "
                + headerLength
                + " bytes but the file has "
                + (size - 8)
                + " bytes after it");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLength);
      readFully(channel, header, 8);
      String json = new String(header.array(), StandardCharsets.UTF_8);
      JsonNode root;
      try {
        root = JSON.readTree(json);
      } catch (JsonProcessingException e) {
        throw new SafetensorsException(
            path, "corrupt header: not valid JSON (" + e.getOriginalMessage() + ")");
      }
      if (root == null || !root.isObject()) {
        throw new SafetensorsException(path, "corrupt header: expected a JSON object");
      }
      long dataStart = 8 + headerLength;
      long dataLength = size - dataStart;
      Map<String, TensorEntry> entries = new LinkedHashMap<>();
      Map<String, String> metadata = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (field.getKey().equals("__metadata__")) {
          field.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
          continue;
        }
        TensorEntry entry = parseEntry(path, field.getKey(), field.getValue(), dataLength);
        entries.put(entry.name(), entry);
      }
      checkNoOverlap(path, entries.values());
      return new SafetensorsFile(
          path, channel, dataStart, Collections.unmodifiableMap(entries), Collections.unmodifiableMap(metadata));
    } catch (IOException e) {
      throw new SafetensorsException(path, "cannot read: " + e.getMessage(), e);
    }
  }

  private static TensorEntry parseEntry(Path path, String name, JsonNode node, long dataLength) {
    JsonNode dtype = node.get("dtype");
    JsonNode shape = node.get("shape");
    JsonNode offsets = node.get("data_offsets");
    if (dtype == null || shape == null || !shape.isArray() || offsets == null || !offsets.isArray() || offsets.size() != 2) {
      throw new SafetensorsException(
          path, "corrupt header: tensor '" + name + "' needs dtype, shape and two data_offsets");
    }
    StorageType type;
    try {
      type = StorageType.parse(dtype.asText());
    } catch (IllegalArgumentException e) {
      throw new SafetensorsException(path, "tensor '" + name + "': " + e.getMessage());
    }
    long[] dims = new long[shape.size()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = shape.get(i).asLong(-1);
      if (dims[i] < 0 || !shape.get(i).isIntegralNumber()) {
        throw new SafetensorsException(path, "corrupt header: tensor '" + name + "' has shape " + shape);
      }
    }
    long begin = offsets.get(0).asLong(-1);
    long end = offsets.get(1).asLong(-1);
    TensorEntry entry = new TensorEntry(name, type, dims, begin, end);
    long expectedBytes;
    try {
      expectedBytes = Math.multiplyExact(entry.elementCount(), (long) type.bytes());
    } catch (ArithmeticException e) {
      throw new SafetensorsException(path, "corrupt header: tensor '" + name + "' shape overflows");
    }
    if (begin < 0 || end < begin || end - begin != expectedBytes) {
      throw new SafetensorsException(
          path,
          "corrupt header: tensor '"
              + name
              + "' "
              + type
              + " "
              + entry.shapeText()
              + " needs "
              + expectedBytes
              + " bytes but its data_offsets are ["
              + begin
              + ", "
              + end
              + "]");
    }
    if (end > dataLength) {
      throw new SafetensorsException(
          path,
          "truncated: tensor '"
              + name
              + "' ends at byte "
              + end
              + " of the data section, which has only "
              + dataLength
              + " bytes");
    }
    return entry;
  }

  private static void checkNoOverlap(Path path, Iterable<TensorEntry> all) {
    List<TensorEntry> sorted = new ArrayList<>();
    all.forEach(sorted::add);
    sorted.sort(Comparator.comparingLong(TensorEntry::begin));
    for (int i = 1; i < sorted.size(); i++) {
      TensorEntry a = sorted.get(i - 1);
      TensorEntry b = sorted.get(i);
      if (b.begin() < a.end()) {
        throw new SafetensorsException(
            path, "corrupt header: tensors '" + a.name() + "' and '" + b.name() + "' overlap");
      }
    }
  }

  /** Returns the file this was opened from. */
  public Path path() {
    return path;
  }

  /** Returns the tensor entries in header order. */
  public Map<String, TensorEntry> entries() {
    return entries;
  }

  /** Returns the {@code __metadata__} map (empty when the file has none). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** Returns the entry of a tensor, or throws naming the file and the tensor. */
  public TensorEntry entry(String name) {
    TensorEntry entry = entries.get(name);
    if (entry == null) {
      throw new SafetensorsException(path, "no tensor named '" + name + "'");
    }
    return entry;
  }

  /** Reads a floating-point tensor as F32 values in row-major order, widening F16/BF16/F64. */
  public float[] readFloats(String name) {
    TensorEntry entry = entry(name);
    if (!entry.type().isFloatingPoint()) {
      throw new SafetensorsException(
          path, "tensor '" + name + "' is " + entry.type() + ", expected a floating-point type");
    }
    ByteBuffer data = map(entry);
    int n = Math.toIntExact(entry.elementCount());
    float[] out = new float[n];
    switch (entry.type()) {
      case F32 -> data.asFloatBuffer().get(out);
      case F64 -> {
        for (int i = 0; i < n; i++) {
          out[i] = (float) data.getDouble(i * 8);
        }
      }
      case F16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = HalfFloats.f16ToFloat(data.getShort(i * 2));
        }
      }
      case BF16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = HalfFloats.bf16ToFloat(data.getShort(i * 2));
        }
      }
      default -> throw new IllegalStateException(entry.type().name());
    }
    return out;
  }

  /** Reads an integer tensor (I64, I32, I8, U8) as longs in row-major order. */
  public long[] readLongs(String name) {
    TensorEntry entry = entry(name);
    ByteBuffer data = map(entry);
    int n = Math.toIntExact(entry.elementCount());
    long[] out = new long[n];
    switch (entry.type()) {
      case I64 -> data.asLongBuffer().get(out);
      case I32 -> {
        for (int i = 0; i < n; i++) {
          out[i] = data.getInt(i * 4);
        }
      }
      case I8 -> {
        for (int i = 0; i < n; i++) {
          out[i] = data.get(i);
        }
      }
      case U8, BOOL -> {
        for (int i = 0; i < n; i++) {
          out[i] = data.get(i) & 0xff;
        }
      }
      default -> throw new SafetensorsException(
          path, "tensor '" + name + "' is " + entry.type() + ", expected an integer type");
    }
    return out;
  }

  /** Returns the raw little-endian bytes of a tensor as stored. */
  public ByteBuffer rawBytes(String name) {
    return map(entry(name)).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  private ByteBuffer map(TensorEntry entry) {
    long length = entry.end() - entry.begin();
    if (length == 0) {
      return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
    }
    if (length > Integer.MAX_VALUE) {
      throw new SafetensorsException(path, "tensor '" + entry.name() + "' is larger than 2 GiB");
    }
    try {
      return channel
          .map(FileChannel.MapMode.READ_ONLY, dataStart + entry.begin(), length)
          .order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new SafetensorsException(path, "cannot read tensor '" + entry.name() + "': " + e.getMessage(), e);
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer target, long position) throws IOException {
    long at = position;
    while (target.hasRemaining()) {
      int n = channel.read(target, at);
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
      at += n;
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing more to do: the open already failed
    }
  }

  @Override
  public void close() {
    closeQuietly(channel);
  }
}
