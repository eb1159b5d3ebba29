package org.ckcoop.backbone.pytorch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.ckcoop.backbone.pytorch.RestrictedTorchUnpickler.PickledStorage;
import org.ckcoop.backbone.pytorch.RestrictedTorchUnpickler.PickledTensor;
import org.ckcoop.backbone.pytorch.RestrictedTorchUnpickler.ScriptObject;
import org.ckcoop.backbone.safetensors.HalfFloats;
import org.ckcoop.backbone.safetensors.StorageType;

/**
 * A PyTorch checkpoint file opened for reading: a {@code torch.save} zip archive (PyTorch 1.6 and
 * later; {@code pytorch_model.bin}, {@code open_clip_pytorch_model.bin}, {@code *.pt}, {@code
 * *.pth}) or a TorchScript archive ({@code torch.jit.save}; OpenAI's {@code ViT-B-16.pt}, {@code
 * RN50.pt}). No pickled code ever runs: {@code data.pkl} is read by an allow-list unpickler that
 * accepts only {@link #ALLOWED_GLOBALS}.
 *
 * <p>The tensors are found as follows. A TorchScript module's parameters and buffers (as its
 * archive's {@code code/} declares them) are named by their attribute path, as {@code
 * module.state_dict()} names them; other attributes ({@code training}, ints, strings) are skipped. A
 * pickled dict's tensor values are the state dict; when it has none and holds a dict under {@code
 * state_dict}, {@code model_state_dict}, {@code model} or {@code module} (training checkpoints:
 * open_clip, Lightning, DeepSpeed), that dict is the state dict ({@link #wrapperKey()}); its non-tensor
 * values are skipped. When every name starts with {@code module.} (a {@code DistributedDataParallel}
 * model's state dict) that prefix is removed ({@link #removedPrefix()}).
 *
 * <p>Headers are validated when the file is opened (every view must lie inside its storage and have
 * no more elements than it, with no negative size, stride or offset and no overflowing index; every
 * storage entry must be STORED and complete); tensor data is read on demand, one tensor at a time,
 * honouring storage offsets and strides, and widened to F32 in Java. A crafted file cannot exhaust
 * memory or the stack: pickle lengths are checked before allocation, {@code data.pkl} and {@code
 * code/} share a budget of inflated bytes ({@link ArchiveEntries}), and a TorchScript module tree that
 * is a cycle, too deep or too large is refused ({@code docs/backbone.md}, "Limits on crafted files").
 */
public final class TorchCheckpointFile implements AutoCloseable {

  /** Every Python global the unpickler accepts; any other stops the read. */
  public static final List<String> ALLOWED_GLOBALS = List.copyOf(RestrictedTorchUnpickler.allowedGlobals());

  /** The keys of a training checkpoint under which a state dict is looked for, in order. */
  public static final List<String> WRAPPER_KEYS = List.of("state_dict", "model_state_dict", "model", "module");

  /** The prefix {@code DistributedDataParallel} adds to every name, removed when all names have it. */
  public static final String DDP_PREFIX = "module.";

  /** What a file holds. */
  public enum Kind {
    /** A pickled state dict ({@code torch.save(model.state_dict())}), possibly wrapped. */
    STATE_DICT,
    /** A TorchScript module ({@code torch.jit.save}). */
    TORCHSCRIPT_MODULE
  }

  /** The start of a legacy (PyTorch < 1.6) file: PROTO 2, then LONG1 of torch's magic number. */
  private static final byte[] LEGACY_MAGIC = {
    (byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a,
    (byte) 0xa8, 0x50, 0x19
  };
  /** How deep a TorchScript module tree may nest. */
  static final int MAX_MODULE_DEPTH = 100;
  /** How many attributes the walk of a TorchScript module tree may visit (shared submodules count each time). */
  static final long MAX_MODULE_ATTRIBUTES = 1L << 22;
  /** The most dimensions a tensor may have (far more than any checkpoint tensor has). */
  static final int MAX_DIMENSIONS = 64;
  /** The most elements a tensor may have (the largest Java array). */
  static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
  private static final String RESAVE = "re-save it with PyTorch 1.6 or later (torch.save(torch.load(f), f2)) or "
      + "convert it to safetensors";

  private final Path path;
  private final ZipFile zip;
  private final String prefix;
  private final Kind kind;
  private final String wrapperKey;
  private final String removedPrefix;
  private final Map<String, TorchTensorEntry> entries;

  private TorchCheckpointFile(Path path, ZipFile zip, String prefix, Kind kind, String wrapperKey,
      String removedPrefix, Map<String, TorchTensorEntry> entries) {
    this.path = path;
    this.zip = zip;
    this.prefix = prefix;
    this.kind = kind;
    this.wrapperKey = wrapperKey;
    this.removedPrefix = removedPrefix;
    this.entries = entries;
  }

  /**
   * Opens a PyTorch checkpoint file and validates its tensor table.
   *
   * @throws TorchCheckpointException naming the file when it is missing, in the legacy format, not a
   *     zip archive, truncated or corrupt, names a refused global, or holds no tensors
   */
  public static TorchCheckpointFile open(Path path) {
    checkSignature(path);
    ZipFile zip;
    try {
      zip = new ZipFile(path.toFile());
    } catch (ZipException e) {
      throw new TorchCheckpointException(path, "corrupt or truncated zip archive (" + e.getMessage()
          + "); expected a torch.save or torch.jit.save file", e);
    } catch (IOException e) {
      throw new TorchCheckpointException(path, "cannot open: " + e.getMessage(), e);
    }
    try {
      return read(path, zip);
    } catch (RuntimeException e) {
      closeQuietly(zip);
      throw e;
    }
  }

  private static void checkSignature(Path path) {
    byte[] head;
    try (InputStream in = Files.newInputStream(path)) {
      head = in.readNBytes(LEGACY_MAGIC.length);
    } catch (NoSuchFileException e) {
      throw new TorchCheckpointException(path, "file not found");
    } catch (IOException e) {
      throw new TorchCheckpointException(path, "cannot read: " + e.getMessage(), e);
    }
    if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
      return;
    }
    if (java.util.Arrays.equals(head, LEGACY_MAGIC)) {
      throw new TorchCheckpointException(path, "is in PyTorch's legacy (pre-1.6, non-zip) format, which is "
          + "not read because it cannot be unpickled safely record by record; " + RESAVE);
    }
    if (head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) {
      throw new TorchCheckpointException(path, "is a plain pickle, not a torch.save zip archive (a legacy PyTorch "
          + "file or a pickle written by another tool); " + RESAVE);
    }
    throw new TorchCheckpointException(path, head.length < 4
        ? "too short to be a PyTorch checkpoint (" + head.length + " bytes)"
        : "not a PyTorch checkpoint: a torch.save or torch.jit.save file is a zip archive (starts with PK), "
            + "this file starts with bytes " + hex(head));
  }

  private static TorchCheckpointFile read(Path path, ZipFile zip) {
    String prefix = recordPrefix(path, zip);
    ZipEntry byteOrder = zip.getEntry(prefix + "byteorder");
    if (byteOrder != null) {
      String order = new String(readEntry(path, zip, byteOrder, 64), StandardCharsets.US_ASCII).trim();
      if (!order.equals("little")) {
        throw new TorchCheckpointException(path, "its storages are " + order + "-endian; only little-endian "
            + "checkpoints are read (load and re-save it on a little-endian machine)");
      }
    }
    ZipEntry dataPkl = zip.getEntry(prefix + "data.pkl");
    ArchiveEntries metadata = new ArchiveEntries(path, zip, archiveSize(path));
    byte[] pickle = metadata.read(dataPkl);
    Object root;
    RestrictedTorchUnpickler unpickler = new RestrictedTorchUnpickler(path, prefix + "data.pkl");
    try {
      root = unpickler.loads(pickle);
    } catch (TorchCheckpointException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new TorchCheckpointException(path, "corrupt " + prefix + "data.pkl: not a readable pickle ("
          + e.getMessage() + ")", e);
    } finally {
      unpickler.close();
    }
    Kind kind;
    String wrapperKey = null;
    Map<String, PickledTensor> tensors = new LinkedHashMap<>();
    if (root instanceof ScriptObject module) {
      kind = Kind.TORCHSCRIPT_MODULE;
      new ModuleWalk(path, new ScriptModuleDeclarations(zip, prefix, metadata), tensors).collect(module, "", 0);
    } else if (root instanceof Map<?, ?> dict) {
      kind = Kind.STATE_DICT;
      Map<?, ?> stateDict = dict;
      if (!hasTensors(dict)) {
        for (String key : WRAPPER_KEYS) {
          if (dict.get(key) instanceof Map<?, ?> inner && hasTensors(inner)) {
            stateDict = inner;
            wrapperKey = key;
            break;
          }
        }
      }
      for (Map.Entry<?, ?> e : stateDict.entrySet()) {
        if (e.getValue() instanceof PickledTensor t) {
          tensors.put(String.valueOf(e.getKey()), t);
        }
      }
      if (tensors.isEmpty()) {
        throw new TorchCheckpointException(path, "holds a dict without tensors (keys " + RestrictedTorchUnpickler.keys(dict)
            + "); expected a state dict (name -> tensor), a training checkpoint with one under "
            + String.join(", ", WRAPPER_KEYS) + ", or a TorchScript module");
      }
    } else {
      throw new TorchCheckpointException(path, "holds a " + RestrictedTorchUnpickler.typeName(root)
          + ", expected a state dict (name -> tensor) or a TorchScript module");
    }
    String removed = "";
    if (tensors.keySet().stream().allMatch(n -> n.startsWith(DDP_PREFIX))) {
      removed = DDP_PREFIX;
      Map<String, PickledTensor> stripped = new LinkedHashMap<>();
      tensors.forEach((k, v) -> stripped.put(k.substring(DDP_PREFIX.length()), v));
      tensors = stripped;
    }
    Map<String, TorchTensorEntry> entries = new LinkedHashMap<>();
    for (Map.Entry<String, PickledTensor> e : tensors.entrySet()) {
      entries.put(e.getKey(), validate(path, zip, prefix, e.getKey(), e.getValue()));
    }
    return new TorchCheckpointFile(path, zip, prefix, kind, wrapperKey, removed, Collections.unmodifiableMap(entries));
  }

  /** Finds the one top-level folder holding {@code data.pkl}. */
  private static String recordPrefix(Path path, ZipFile zip) {
    List<String> prefixes = new ArrayList<>();
    zip.stream().map(ZipEntry::getName).forEach(name -> {
      if (name.equals("data.pkl")) {
        prefixes.add("");
      } else if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
        prefixes.add(name.substring(0, name.length() - "data.pkl".length()));
      }
    });
    if (prefixes.size() != 1) {
      throw new TorchCheckpointException(path, prefixes.isEmpty()
          ? "is a zip archive but not a PyTorch checkpoint: it has no <archive>/data.pkl"
          : "has " + prefixes.size() + " data.pkl records " + prefixes + ", expected one");
    }
    return prefixes.get(0);
  }

  private static boolean hasTensors(Map<?, ?> dict) {
    return dict.values().stream().anyMatch(v -> v instanceof PickledTensor);
  }

  private static long archiveSize(Path path) {
    try {
      return Files.size(path);
    } catch (IOException e) {
      throw new TorchCheckpointException(path, "cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * Walks a TorchScript module tree, naming each declared tensor by its attribute path. A crafted
   * pickle can make a module contain itself (memo + BUILD) or share one submodule down many levels
   * (exponentially many paths): an enclosing module met again, a tree deeper than {@link
   * #MAX_MODULE_DEPTH} or a walk of more than {@link #MAX_MODULE_ATTRIBUTES} attributes is refused. A
   * submodule shared without a cycle is read under each of its names, as torch's {@code state_dict()}
   * gives it.
   */
  private static final class ModuleWalk {
    private final Path path;
    private final ScriptModuleDeclarations declarations;
    private final Map<String, PickledTensor> out;
    private final Set<ScriptObject> enclosing = Collections.newSetFromMap(new IdentityHashMap<>());
    private long visited;

    ModuleWalk(Path path, ScriptModuleDeclarations declarations, Map<String, PickledTensor> out) {
      this.path = path;
      this.declarations = declarations;
      this.out = out;
    }

    void collect(ScriptObject module, String namePrefix, int depth) {
      if (depth > MAX_MODULE_DEPTH) {
        throw refused("its TorchScript module tree is more than " + MAX_MODULE_DEPTH + " levels deep (at '"
            + shortPath(namePrefix) + "')");
      }
      if (!enclosing.add(module)) {
        throw refused("TorchScript attribute '" + shortPath(namePrefix) + "' is the module " + module.className()
            + " that encloses it: the module tree is a cycle, which torch never writes");
      }
      Optional<Set<String>> state = declarations.stateNames(module.className());
      for (Map.Entry<String, Object> a : module.attributes().entrySet()) {
        if (++visited > MAX_MODULE_ATTRIBUTES) {
          throw refused("its TorchScript module tree has more than " + MAX_MODULE_ATTRIBUTES + " attributes "
              + "(submodules shared many times over; at '" + shortPath(namePrefix + a.getKey()) + "')");
        }
        Object value = a.getValue();
        if (value instanceof ScriptObject child) {
          collect(child, namePrefix + a.getKey() + ".", depth + 1);
        } else if (value instanceof PickledTensor t && state.map(s -> s.contains(a.getKey())).orElse(true)) {
          out.put(namePrefix + a.getKey(), t);
        }
      }
      enclosing.remove(module);
    }

    private static String shortPath(String namePrefix) {
      String p = namePrefix.endsWith(".") ? namePrefix.substring(0, namePrefix.length() - 1) : namePrefix;
      return p.length() > 200 ? p.substring(0, 200) + "…" : p;
    }

    private TorchCheckpointException refused(String problem) {
      return new TorchCheckpointException(path, "refused: " + problem + "; nothing was loaded or executed");
    }
  }

  private static TorchTensorEntry validate(Path path, ZipFile zip, String prefix, String name, PickledTensor t) {
    PickledStorage storage = t.storage();
    StorageType type = storage.storageClass().type();
    if (type == null) {
      throw new TorchCheckpointException(path, "tensor '" + name + "' is stored as torch."
          + storage.storageClass().name() + ", which is not supported (supported storages: "
          + supportedStorages() + ")");
    }
    TorchTensorEntry entry = new TorchTensorEntry(name, type, t.shape(), t.stride(), t.offset(), storage.key(),
        storage.elements());
    if (t.shape().length > MAX_DIMENSIONS) {
      throw new TorchCheckpointException(path, "corrupt: tensor '" + name + "' has " + t.shape().length
          + " dimensions, more than " + MAX_DIMENSIONS);
    }
    String view = entry.shapeText() + " (stride " + java.util.Arrays.toString(t.stride()) + ", offset "
        + t.offset() + ")";
    if (t.offset() < 0 || storage.elements() < 0 || java.util.Arrays.stream(t.shape()).anyMatch(d -> d < 0)
        || java.util.Arrays.stream(t.stride()).anyMatch(d -> d < 0)) {
      throw new TorchCheckpointException(path, "corrupt: tensor '" + name + "' " + view + " of storage '"
          + storage.key() + "' (" + storage.elements() + " elements) has a negative size, stride, offset or "
          + "storage size");
    }
    long end;
    long elements;
    long needed;
    try {
      elements = entry.elementCount();
      end = entry.storageEnd();
      needed = Math.multiplyExact(storage.elements(), (long) type.bytes());
    } catch (ArithmeticException e) {
      throw new TorchCheckpointException(path, "corrupt: tensor '" + name + "' " + view + " overflows a 64-bit "
          + "element count or storage index");
    }
    if (elements > MAX_ELEMENTS) {
      throw new TorchCheckpointException(path, "tensor '" + name + "' " + view + " has " + elements
          + " elements, more than the " + MAX_ELEMENTS + " a Java array holds");
    }
    if (elements > storage.elements()) {
      throw new TorchCheckpointException(path, "refused: tensor '" + name + "' " + view + " has " + elements
          + " elements but its storage '" + storage.key() + "' only " + storage.elements() + " (a view repeating "
          + "storage elements into a larger tensor, which torch.save never writes for a state dict)");
    }
    if (end > storage.elements()) {
      throw new TorchCheckpointException(path, "corrupt: tensor '" + name + "' " + entry.shapeText() + " (stride "
          + java.util.Arrays.toString(t.stride()) + ", offset " + t.offset() + ") reaches element " + end
          + " of storage '" + storage.key() + "', which has only " + storage.elements());
    }
    ZipEntry data = zip.getEntry(prefix + "data/" + storage.key());
    if (data == null) {
      throw new TorchCheckpointException(path, "truncated or corrupt: tensor '" + name + "' needs storage entry "
          + prefix + "data/" + storage.key() + ", which is missing");
    }
    if (data.getMethod() != ZipEntry.STORED) {
      throw new TorchCheckpointException(path, "refused: storage entry " + data.getName() + " of tensor '" + name
          + "' is compressed (zip method " + data.getMethod() + "); torch.save and torch.jit.save store tensor "
          + "data uncompressed, and a compressed entry could inflate a small file to gigabytes");
    }
    if (data.getSize() != data.getCompressedSize()) {
      throw new TorchCheckpointException(path, "corrupt zip archive: stored entry " + data.getName() + " declares "
          + data.getSize() + " bytes but occupies " + data.getCompressedSize());
    }
    if (data.getSize() >= 0 && data.getSize() < needed) {
      throw new TorchCheckpointException(path, "truncated: storage entry " + data.getName() + " of tensor '" + name
          + "' has " + data.getSize() + " bytes, expected " + needed + " (" + storage.elements() + " x " + type + ")");
    }
    return entry;
  }

  private static String supportedStorages() {
    List<String> names = new ArrayList<>();
    RestrictedTorchUnpickler.STORAGE_CLASSES.forEach((k, v) -> {
      if (v != null) {
        names.add("torch." + k);
      }
    });
    return String.join(", ", names);
  }

  /** Returns the file this was opened from. */
  public Path path() {
    return path;
  }

  /** Returns whether the file holds a state dict or a TorchScript module. */
  public Kind kind() {
    return kind;
  }

  /** Returns the key of a training checkpoint's dict the state dict was taken from, if it was wrapped. */
  public Optional<String> wrapperKey() {
    return Optional.ofNullable(wrapperKey);
  }

  /** Returns the prefix removed from every name ({@value #DDP_PREFIX}), or an empty string. */
  public String removedPrefix() {
    return removedPrefix;
  }

  /** Returns the tensors by state-dict name, in the order the file lists them. */
  public Map<String, TorchTensorEntry> entries() {
    return entries;
  }

  /** Returns the entry of a tensor, or throws naming the file and the tensor. */
  public TorchTensorEntry entry(String name) {
    TorchTensorEntry entry = entries.get(name);
    if (entry == null) {
      throw new TorchCheckpointException(path, "no tensor named '" + name + "'");
    }
    return entry;
  }

  /** Reads a floating-point tensor as F32 values in row-major order, widening F16/BF16 and narrowing F64. */
  public float[] readFloats(String name) {
    TorchTensorEntry entry = entry(name);
    if (!entry.type().isFloatingPoint()) {
      throw new TorchCheckpointException(path, "tensor '" + name + "' is " + entry.type()
          + ", expected a floating-point type");
    }
    ByteBuffer data = storageBytes(entry);
    int n = Math.toIntExact(entry.elementCount());
    float[] out = new float[n];
    if (entry.isContiguous() && entry.type() == StorageType.F32) {
      data.asFloatBuffer().get(out);
      return out;
    }
    ViewCursor at = new ViewCursor(entry);
    switch (entry.type()) {
      case F32 -> {
        for (int i = 0; i < n; i++) {
          out[i] = data.getFloat(at.next() * 4);
        }
      }
      case F64 -> {
        for (int i = 0; i < n; i++) {
          out[i] = (float) data.getDouble(at.next() * 8);
        }
      }
      case F16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = HalfFloats.f16ToFloat(data.getShort(at.next() * 2));
        }
      }
      case BF16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = HalfFloats.bf16ToFloat(data.getShort(at.next() * 2));
        }
      }
      default -> throw new IllegalStateException(entry.type().name());
    }
    return out;
  }

  /** Reads an integer or boolean tensor (I64, I32, I8, U8, BOOL) as longs in row-major order. */
  public long[] readLongs(String name) {
    TorchTensorEntry entry = entry(name);
    if (entry.type().isFloatingPoint()) {
      throw new TorchCheckpointException(path, "tensor '" + name + "' is " + entry.type() + ", expected an integer type");
    }
    ByteBuffer data = storageBytes(entry);
    int n = Math.toIntExact(entry.elementCount());
    long[] out = new long[n];
    ViewCursor cursor = new ViewCursor(entry);
    for (int i = 0; i < n; i++) {
      int at = cursor.next();
      out[i] = switch (entry.type()) {
        case I64 -> data.getLong(at * 8);
        case I32 -> data.getInt(at * 4);
        case I8 -> data.get(at);
        case U8, BOOL -> data.get(at) & 0xff;
        default -> throw new IllegalStateException(entry.type().name());
      };
    }
    return out;
  }

  /**
   * Walks a view's elements in row-major order, giving each one's index relative to the first
   * storage element read ({@code storageOffset}); the indices fit an int because the span read does.
   */
  private static final class ViewCursor {
    private final long[] shape;
    private final long[] stride;
    private final long[] counter;
    private final boolean contiguous;
    private long at;
    private int sequential;

    ViewCursor(TorchTensorEntry entry) {
      this.shape = entry.shape();
      this.stride = entry.stride();
      this.counter = new long[shape.length];
      this.contiguous = entry.isContiguous();
    }

    int next() {
      if (contiguous) {
        return sequential++;
      }
      int current = (int) at;
      for (int d = shape.length - 1; d >= 0; d--) {
        counter[d]++;
        at += stride[d];
        if (counter[d] < shape[d]) {
          break;
        }
        at -= stride[d] * shape[d];
        counter[d] = 0;
      }
      return current;
    }
  }

  /** Returns the bytes of the storage elements [storageOffset, storageEnd) of a tensor. */
  private ByteBuffer storageBytes(TorchTensorEntry entry) {
    long first = Math.multiplyExact(entry.storageOffset(), (long) entry.type().bytes());
    long length = Math.multiplyExact(entry.storageEnd() - entry.storageOffset(), (long) entry.type().bytes());
    if (length > Integer.MAX_VALUE - 8) {
      throw new TorchCheckpointException(path, "tensor '" + entry.name() + "' spans more than 2 GiB of its storage");
    }
    ZipEntry data = zip.getEntry(prefix + "data/" + entry.storageKey());
    try (InputStream in = zip.getInputStream(data)) {
      in.skipNBytes(first);
      byte[] bytes = in.readNBytes((int) length);
      if (bytes.length < length) {
        throw new TorchCheckpointException(path, "truncated: storage entry " + data.getName() + " of tensor '"
            + entry.name() + "' ends after " + (first + bytes.length) + " bytes, expected " + (first + length));
      }
      return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    } catch (java.io.EOFException e) {
      throw new TorchCheckpointException(path, "truncated: storage entry " + data.getName() + " of tensor '"
          + entry.name() + "' is shorter than its size", e);
    } catch (IOException e) {
      throw new TorchCheckpointException(path, "cannot read tensor '" + entry.name() + "' from " + data.getName()
          + ": " + e.getMessage(), e);
    }
  }

  private static byte[] readEntry(Path path, ZipFile zip, ZipEntry entry, long limit) {
    if (entry.getSize() > limit) {
      throw new TorchCheckpointException(path, entry.getName() + " is " + entry.getSize() + " bytes, more than "
          + limit);
    }
    try (InputStream in = zip.getInputStream(entry)) {
      return in.readNBytes((int) limit);
    } catch (IOException e) {
      throw new TorchCheckpointException(path, "corrupt or truncated zip archive: cannot read " + entry.getName()
          + " (" + e.getMessage() + ")", e);
    }
  }

  private static String hex(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(8, bytes.length); i++) {
      sb.append(String.format("%02x", bytes[i] & 0xff));
    }
    return sb.toString();
  }

  private static void closeQuietly(ZipFile zip) {
    try {
      zip.close();
    } catch (IOException ignored) {
      // nothing more to do: the open already failed
    }
  }

  @Override
  public void close() {
    closeQuietly(zip);
  }
}
