package org.ckcoop.backbone.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects tensors and metadata and writes them as one safetensors file, atomically: the file is
 * written beside its target under a temporary name and moved into place, so a crash never leaves a
 * half-written file under the target name.
 *
 * <pre>{@code
 * new SafetensorsWriter()
 *     .putMetadata("backbone", identity)
 *     .addFloats("image_features", features, new long[] {n, 512}, StorageType.F32)
 *     .write(path);
 * }</pre>
 */
public final class SafetensorsWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Pending(String name, StorageType type, long[] shape, Object data) {}

  private final Map<String, String> metadata = new LinkedHashMap<>();
  private final List<Pending> tensors = new ArrayList<>();

  /** Adds one {@code __metadata__} entry (string to string, as the format requires). */
  public SafetensorsWriter putMetadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  /** Adds every entry of {@code entries} to {@code __metadata__}. */
  public SafetensorsWriter putAllMetadata(Map<String, String> entries) {
    metadata.putAll(entries);
    return this;
  }

  /**
   * Adds a floating-point tensor stored as {@code type} (F32, F16 or BF16; narrowing rounds to
   * nearest even).
   */
  public SafetensorsWriter addFloats(String name, float[] data, long[] shape, StorageType type) {
    if (type != StorageType.F32 && type != StorageType.F16 && type != StorageType.BF16) {
      throw new IllegalArgumentException("floats are stored as F32, F16 or BF16, not " + type);
    }
    checkCount(name, data.length, shape);
    return add(new Pending(name, type, shape.clone(), data));
  }

  /** Adds a signed 64-bit integer tensor. */
  public SafetensorsWriter addLongs(String name, long[] data, long[] shape) {
    checkCount(name, data.length, shape);
    return add(new Pending(name, StorageType.I64, shape.clone(), data));
  }

  private SafetensorsWriter add(Pending pending) {
    if (pending.name().equals("__metadata__")
        || tensors.stream().anyMatch(t -> t.name().equals(pending.name()))) {
      throw new IllegalArgumentException("duplicate or reserved tensor name '" + pending.name() + "'");
    }
    tensors.add(pending);
    return this;
  }

  private static void checkCount(String name, int length, long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n != length) {
      throw new IllegalArgumentException(
          "tensor '" + name + "': " + length + " values do not fill shape " + java.util.Arrays.toString(shape));
    }
  }

  /**
   * Writes the file atomically.
   *
   * @throws SafetensorsException naming the target when it cannot be written
   */
  public void write(Path target) {
    byte[] header = headerBytes();
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".tmp");
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
        writeFully(out, length.flip());
        writeFully(out, ByteBuffer.wrap(header));
        for (Pending t : tensors) {
          writeData(out, t);
        }
        out.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new SafetensorsException(target, "cannot write: " + e.getMessage(), e);
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

  private byte[] headerBytes() {
    ObjectNode root = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = root.putObject("__metadata__");
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (Pending t : tensors) {
      ObjectNode node = root.putObject(t.name());
      node.put("dtype", t.type().name());
      ArrayNode shape = node.putArray("shape");
      long n = 1;
      for (long d : t.shape()) {
        shape.add(d);
        n *= d;
      }
      long bytes = n * t.type().bytes();
      node.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json = root.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    byte[] header = new byte[padded];
    System.arraycopy(json, 0, header, 0, json.length);
    for (int i = json.length; i < padded; i++) {
      header[i] = ' ';
    }
    return header;
  }

  private static void writeData(FileChannel out, Pending t) throws IOException {
    int chunk = 1 << 16;
    ByteBuffer buffer = ByteBuffer.allocate(chunk * 8).order(ByteOrder.LITTLE_ENDIAN);
    if (t.data() instanceof long[] longs) {
      for (long v : longs) {
        if (buffer.remaining() < 8) {
          writeFully(out, buffer.flip());
          buffer.clear();
        }
        buffer.putLong(v);
      }
    } else {
      float[] floats = (float[]) t.data();
      for (float v : floats) {
        if (buffer.remaining() < 4) {
          writeFully(out, buffer.flip());
          buffer.clear();
        }
        switch (t.type()) {
          case F32 -> buffer.putFloat(v);
          case F16 -> buffer.putShort(HalfFloats.floatToF16(v));
          case BF16 -> buffer.putShort(HalfFloats.floatToBf16(v));
          default -> throw new IllegalStateException(t.type().name());
        }
      }
    }
    writeFully(out, buffer.flip());
  }

  private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
  }
}
