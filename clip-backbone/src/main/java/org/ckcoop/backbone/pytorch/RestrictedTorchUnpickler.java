package org.ckcoop.backbone.pytorch;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;
import org.ckcoop.backbone.safetensors.StorageType;

/**
 * razorvine's unpickler with every global checked against what torch writes for tensors and
 * containers before anything is built. razorvine never runs Python code, but it resolves an unknown
 * global into a generic object and calls {@code __setstate__} by reflection on BUILD; here GLOBAL,
 * STACK_GLOBAL, INST, OBJ, REDUCE, NEWOBJ, NEWOBJ_EX, BUILD and the persistent-id opcodes are all
 * handled by this class, and the extension-registry opcodes are refused. The class table razorvine
 * keeps for all unpicklers in the JVM ({@link Unpickler#registerConstructor}) is neither used nor
 * changed.
 *
 * <p>Crafted pickles are bounded too: every length-prefixed opcode is read here, its declared length
 * checked against what remains of the pickle before anything is allocated (razorvine allocates
 * first); text-form ints are limited to {@value #MAX_INT_DIGITS} digits; unhashable dict keys and set
 * items (lists, dicts, sets, which Java would hash by walking them) are refused; and values in
 * messages are described at most {@value #DESCRIBE_DEPTH} levels deep and {@value #DESCRIBE_ITEMS}
 * items wide ({@link #describe}). Only {@link #loads} is meant to be used.
 *
 * <p>The object tree that comes back holds {@link Map} (dict, OrderedDict), {@link List}, {@code
 * Object[]} (tuple), {@link String}, numbers, {@link Boolean}, {@code byte[]}, {@code null}, {@link
 * PickledTensor} and {@link ScriptObject}.
 */
final class RestrictedTorchUnpickler extends Unpickler {

  /** The storage classes torch pickles, with the element type read from them (null: not supported). */
  static final Map<String, StorageType> STORAGE_CLASSES;

  static {
    Map<String, StorageType> m = new LinkedHashMap<>();
    m.put("FloatStorage", StorageType.F32);
    m.put("HalfStorage", StorageType.F16);
    m.put("BFloat16Storage", StorageType.BF16);
    m.put("DoubleStorage", StorageType.F64);
    m.put("LongStorage", StorageType.I64);
    m.put("IntStorage", StorageType.I32);
    m.put("CharStorage", StorageType.I8);
    m.put("ByteStorage", StorageType.U8);
    m.put("BoolStorage", StorageType.BOOL);
    for (String unsupported : List.of("ShortStorage", "ComplexFloatStorage", "ComplexDoubleStorage",
        "ComplexHalfStorage", "QInt8Storage", "QUInt8Storage", "QInt32Storage", "QUInt4x2Storage",
        "QUInt2x4Storage", "UntypedStorage")) {
      m.put(unsupported, null);
    }
    STORAGE_CLASSES = Collections.unmodifiableMap(m);
  }

  /** The globals other than storage classes and {@code __torch__.*} that a checkpoint may name. */
  static final List<String> CALLABLE_GLOBALS = List.of(
      "collections.OrderedDict",
      "torch._utils._rebuild_tensor_v2",
      "torch._utils._rebuild_parameter",
      "torch._utils._rebuild_parameter_with_state",
      "torch._tensor._rebuild_from_type_v2",
      "torch.Size",
      "_codecs.encode",
      "torch.jit._pickle.restore_type_tag",
      "torch.jit._pickle.build_intlist",
      "torch.jit._pickle.build_doublelist",
      "torch.jit._pickle.build_boollist",
      "torch.jit._pickle.build_tensorlist");

  /** The tensor classes {@code torch._tensor._rebuild_from_type_v2} may name (as a type, never called). */
  static final List<String> TENSOR_CLASSES = List.of("torch.Tensor", "torch.nn.parameter.Parameter");

  /** The prefix of TorchScript's module and class names. */
  static final String SCRIPT_PREFIX = "__torch__.";

  private static final String NOTHING_RAN = "; nothing was loaded or executed";

  /** The most characters of a text-form int (LONG, INT) read, as Python limits int parsing. */
  static final int MAX_INT_DIGITS = 4300;

  /** How deep and how many items {@link #describe} shows of a value in a message. */
  static final int DESCRIBE_DEPTH = 2;
  static final int DESCRIBE_ITEMS = 8;
  private static final int DESCRIBE_TEXT = 64;

  /** A tensor class named as the type of a rebuilt tensor ({@code torch.Tensor}). */
  record TensorClass(String name) {}

  /** A storage class named by a persistent id ({@code torch.FloatStorage}). */
  record StorageClass(String name, StorageType type) {}

  /**
   * One storage as a persistent id names it: {@code ('storage', torch.FloatStorage, key, location,
   * elements)}.
   */
  record PickledStorage(StorageClass storageClass, String key, String location, long elements) {}

  /** A tensor rebuilt by {@code torch._utils._rebuild_tensor_v2}: a view of a storage. */
  record PickledTensor(PickledStorage storage, long offset, long[] shape, long[] stride) {}

  /** An object of a TorchScript class ({@code __torch__.*}): only its class name and attributes. */
  static final class ScriptObject {
    private final String className;
    private final Map<String, Object> attributes = new LinkedHashMap<>();

    ScriptObject(String className) {
      this.className = className;
    }

    /** Returns the qualified class name, e.g. {@code __torch__.model.CLIP}. */
    String className() {
      return className;
    }

    /** Returns the attributes set by BUILD, in pickle order. */
    Map<String, Object> attributes() {
      return attributes;
    }

    @Override
    public String toString() {
      return className + attributes.keySet();
    }
  }

  /** A global that may be called (REDUCE, NEWOBJ): an inert Java function, never Python code. */
  private record AllowedCallable(String global, IObjectConstructor function) implements IObjectConstructor {
    @Override
    public Object construct(Object[] args) {
      return function.construct(args);
    }
  }

  private final Path file;
  private final String entryName;
  private final Map<String, PickledStorage> storages = new HashMap<>();

  RestrictedTorchUnpickler(Path file) {
    this(file, "data.pkl");
  }

  /** Creates an unpickler whose messages name {@code file} and, for a corrupt pickle, its entry. */
  RestrictedTorchUnpickler(Path file, String entryName) {
    this.file = file;
    this.entryName = entryName;
  }

  /** Returns every global this unpickler accepts, for documentation and messages. */
  static List<String> allowedGlobals() {
    List<String> all = new ArrayList<>(CALLABLE_GLOBALS);
    for (Map.Entry<String, StorageType> e : STORAGE_CLASSES.entrySet()) {
      all.add("torch." + e.getKey());
    }
    all.addAll(TENSOR_CLASSES);
    all.add(SCRIPT_PREFIX + "* (TorchScript module classes, as inert attribute bags)");
    return all;
  }

  @Override
  protected Object dispatch(short key) throws IOException {
    switch (key) {
      case Opcodes.BINSTRING -> stack.add(PickleUtils.rawStringFromBytes(payload("BINSTRING", signed4())));
      case Opcodes.SHORT_BINSTRING -> stack.add(PickleUtils.rawStringFromBytes(payload("SHORT_BINSTRING", byte1())));
      case Opcodes.BINUNICODE -> stack.add(utf8(payload("BINUNICODE", unsigned4())));
      case Opcodes.SHORT_BINUNICODE -> stack.add(utf8(payload("SHORT_BINUNICODE", byte1())));
      case Opcodes.BINUNICODE8 -> stack.add(utf8(payload("BINUNICODE8", signed8())));
      case Opcodes.BINBYTES -> stack.add(payload("BINBYTES", unsigned4()));
      case Opcodes.SHORT_BINBYTES -> stack.add(payload("SHORT_BINBYTES", byte1()));
      case Opcodes.BINBYTES8 -> stack.add(payload("BINBYTES8", signed8()));
      case Opcodes.BYTEARRAY8 -> stack.add(payload("BYTEARRAY8", signed8()));
      case Opcodes.LONG1 -> stack.add(decodeLong(payload("LONG1", byte1())));
      case Opcodes.LONG4 -> stack.add(decodeLong(payload("LONG4", signed4())));
      case Opcodes.LONG -> {
        String text = PickleUtils.readline(input);
        if (text.length() > MAX_INT_DIGITS) {
          throw refused("a text-form int (LONG) of " + text.length() + " characters, more than " + MAX_INT_DIGITS);
        }
        text = text.endsWith("L") ? text.substring(0, text.length() - 1) : text;
        try {
          stack.add(PickleUtils.optimizeBigint(new BigInteger(text)));
        } catch (NumberFormatException e) {
          throw refused("a text-form int (LONG) that is not a number");
        }
      }
      case Opcodes.SETITEM -> {
        Object value = stack.pop();
        Object k = hashable(stack.pop(), "SETITEM");
        targetMap("SETITEM").put(k, value);
      }
      case Opcodes.DICT -> {
        List<Object> items = stack.pop_all_since_marker();
        if (items.size() % 2 != 0) {
          throw refused("DICT with an odd number of items");
        }
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i += 2) {
          map.put(hashable(items.get(i), "DICT"), items.get(i + 1));
        }
        stack.add(map);
      }
      case Opcodes.EMPTY_SET -> stack.add(new LinkedHashSet<>());
      case Opcodes.ADDITEMS -> {
        List<Object> items = stack.pop_all_since_marker();
        if (!(stack.peek() instanceof HashSet<?> target)) {
          throw refused("ADDITEMS on a " + typeName(stack.peek()));
        }
        @SuppressWarnings("unchecked")
        HashSet<Object> set = (HashSet<Object>) target;
        for (Object item : items) {
          set.add(hashable(item, "ADDITEMS"));
        }
      }
      case Opcodes.FROZENSET -> {
        Set<Object> set = new LinkedHashSet<>();
        for (Object item : stack.pop_all_since_marker()) {
          set.add(hashable(item, "FROZENSET"));
        }
        stack.add(set);
      }
      case Opcodes.GLOBAL -> {
        String module = PickleUtils.readline(input);
        String name = PickleUtils.readline(input);
        stack.add(resolve(module, name));
      }
      case Opcodes.STACK_GLOBAL -> {
        Object name = stack.pop();
        Object module = stack.pop();
        if (!(module instanceof String m) || !(name instanceof String n)) {
          throw refused("it names a global with a non-string module or name (STACK_GLOBAL)");
        }
        stack.add(resolve(m, n));
      }
      case Opcodes.INST -> {
        String module = PickleUtils.readline(input);
        String name = PickleUtils.readline(input);
        Object callable = resolve(module, name);
        stack.add(call(callable, stack.pop_all_since_marker().toArray()));
      }
      case Opcodes.OBJ -> {
        List<Object> items = stack.pop_all_since_marker();
        if (items.isEmpty()) {
          throw refused("OBJ without a class");
        }
        stack.add(call(items.get(0), items.subList(1, items.size()).toArray()));
      }
      case Opcodes.REDUCE, Opcodes.NEWOBJ -> {
        Object args = stack.pop();
        Object callable = stack.pop();
        if (!(args instanceof Object[] tuple)) {
          throw refused("it calls " + describe(callable) + " with arguments that are not a tuple");
        }
        stack.add(call(callable, tuple));
      }
      case Opcodes.NEWOBJ_EX -> {
        Object kwargs = stack.pop();
        Object args = stack.pop();
        Object callable = stack.pop();
        if (!(kwargs instanceof Map<?, ?> k) || !k.isEmpty() || !(args instanceof Object[] tuple)) {
          throw refused("it calls " + describe(callable) + " with keyword arguments (NEWOBJ_EX)");
        }
        stack.add(call(callable, tuple));
      }
      case Opcodes.SETITEMS -> {
        // razorvine collects the pairs in a HashMap first, losing their order: keep the file's order
        List<Object> items = stack.pop_all_since_marker();
        if (items.size() % 2 != 0) {
          throw refused("SETITEMS with an odd number of items");
        }
        Map<Object, Object> map = targetMap("SETITEMS");
        for (int i = 0; i < items.size(); i += 2) {
          map.put(hashable(items.get(i), "SETITEMS"), items.get(i + 1));
        }
      }
      case Opcodes.EMPTY_DICT -> stack.add(new LinkedHashMap<>());
      case Opcodes.BUILD -> build(stack.pop(), stack.peek());
      case Opcodes.EXT1, Opcodes.EXT2, Opcodes.EXT4 -> throw refused(
          "it names a global through the copyreg extension registry (EXT1/EXT2/EXT4)");
      case Opcodes.PERSID -> stack.add(persistentLoad(PickleUtils.readline(input)));
      case Opcodes.BINPERSID -> stack.add(persistentLoad(stack.pop()));
      default -> {
        return super.dispatch(key);
      }
    }
    return NO_RETURN_VALUE;
  }

  /**
   * Reads the data of a length-prefixed opcode after checking the declared length against what is
   * left of the pickle: razorvine allocates the declared length before reading, so a few bytes
   * declaring 2 GiB would exhaust the heap.
   */
  private byte[] payload(String opcode, long declared) throws IOException {
    long remaining = input.available();
    if (declared < 0 || declared > remaining) {
      throw new TorchCheckpointException(file, "corrupt " + entryName + ": not a readable pickle (opcode " + opcode
          + " declares " + declared + " bytes of data, but only " + remaining + " bytes of the pickle remain)"
          + NOTHING_RAN);
    }
    return PickleUtils.readbytes(input, (int) declared);
  }

  private long byte1() throws IOException {
    short b = PickleUtils.readbyte(input);
    if (b < 0) {
      throw new IOException("premature end of file");
    }
    return b;
  }

  private long signed4() throws IOException {
    return PickleUtils.bytes_to_integer(PickleUtils.readbytes(input, 4));
  }

  private long unsigned4() throws IOException {
    return PickleUtils.bytes_to_uint(PickleUtils.readbytes(input, 4), 0);
  }

  private long signed8() throws IOException {
    return PickleUtils.bytes_to_long(PickleUtils.readbytes(input, 8), 0);
  }

  private static String utf8(byte[] data) {
    return new String(data, StandardCharsets.UTF_8);
  }

  private static Object decodeLong(byte[] data) {
    return data.length == 0 ? 0 : PickleUtils.decode_long(data);
  }

  /**
   * Refuses a dict key or set item Python could not hash (a list, dict or set): Java would hash it by
   * walking its contents, which for a crafted self-containing or memo-shared value never ends.
   */
  private Object hashable(Object key, String opcode) {
    if (key instanceof Collection<?> || key instanceof Map<?, ?>) {
      throw refused("a " + typeName(key) + " is used as a dict key or set item (" + opcode
          + "), which Python never writes (it is unhashable)");
    }
    return key;
  }

  private Map<Object, Object> targetMap(String opcode) {
    if (!(stack.peek() instanceof Map<?, ?> target)) {
      throw refused(opcode + " on a " + typeName(stack.peek()));
    }
    @SuppressWarnings("unchecked")
    Map<Object, Object> map = (Map<Object, Object>) target;
    return map;
  }

  /** Unpickles {@code pickle}; only this entry point is supported (lengths are checked against it). */
  @Override
  public Object loads(byte[] pickle) throws IOException {
    return super.load(new ByteArrayInputStream(pickle));
  }

  @Override
  public Object load(InputStream stream) throws IOException {
    if (!(stream instanceof ByteArrayInputStream)) {
      // length checks need the exact remaining size, which only an in-memory stream reports
      return loads(stream.readAllBytes());
    }
    return super.load(stream);
  }

  private Object resolve(String module, String name) {
    String global = module + "." + name;
    if (module.equals("torch") && STORAGE_CLASSES.containsKey(name)) {
      return new StorageClass(name, STORAGE_CLASSES.get(name));
    }
    if (TENSOR_CLASSES.contains(global)) {
      return new TensorClass(global);
    }
    if (global.startsWith(SCRIPT_PREFIX) || module.equals("__torch__")) {
      return new AllowedCallable(global, args -> {
        if (args.length != 0) {
          throw refused("it constructs TorchScript class " + global + " with arguments " + describe(args));
        }
        return new ScriptObject(global);
      });
    }
    IObjectConstructor function = switch (global) {
      case "collections.OrderedDict" -> this::orderedDict;
      case "torch._utils._rebuild_tensor_v2" -> this::rebuildTensor;
      case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> this::rebuildParameter;
      case "torch._tensor._rebuild_from_type_v2" -> this::rebuildFromType;
      case "torch.Size" -> args -> args.length == 1 && args[0] instanceof Object[] t ? t : args;
      case "_codecs.encode" -> this::encode;
      case "torch.jit._pickle.restore_type_tag", "torch.jit._pickle.build_intlist",
          "torch.jit._pickle.build_doublelist", "torch.jit._pickle.build_boollist",
          "torch.jit._pickle.build_tensorlist" -> args -> {
            if (args.length < 1) {
              throw refused(global + " called without arguments");
            }
            return args[0];
          };
      default -> null;
    };
    if (function == null) {
      throw new TorchCheckpointException(file, "refused: the pickle names the Python global '" + global
          + "', which is not one torch writes for tensors and containers" + hint(module) + NOTHING_RAN
          + " (this reader never runs pickled code; allowed: " + String.join(", ", CALLABLE_GLOBALS)
          + ", torch.<Type>Storage and __torch__.* TorchScript classes)");
    }
    return new AllowedCallable(global, function);
  }

  private static String hint(String module) {
    if (module.startsWith("torch.nn") || module.equals("__main__") || module.startsWith("open_clip")
        || module.startsWith("clip.") || module.equals("model")) {
      return " (torch.save(model) pickles the model's classes: save model.state_dict() instead, or convert "
          + "to safetensors)";
    }
    return "";
  }

  private Object call(Object callable, Object[] args) {
    if (!(callable instanceof AllowedCallable c)) {
      throw refused("it calls " + describe(callable) + ", which is not a callable global");
    }
    return c.construct(args);
  }

  private void build(Object state, Object target) {
    if (target instanceof ScriptObject object) {
      if (!(state instanceof Map<?, ?> attributes)) {
        throw refused("the state of TorchScript object " + object.className() + " is a " + typeName(state)
            + ", expected a dict of its attributes");
      }
      attributes.forEach((k, v) -> object.attributes.put(k instanceof String s ? s : describe(k), v));
    } else if (target instanceof LinkedHashMap<?, ?>) {
      // an OrderedDict's instance dict (a state dict's _metadata): not tensors, ignored
    } else if (target instanceof PickledTensor) {
      // a Parameter's Python attributes: ignored
    } else {
      throw refused("it sets the state of a " + typeName(target) + " (BUILD), which torch never writes");
    }
  }

  @Override
  protected Object persistentLoad(Object pid) {
    if (!(pid instanceof Object[] t) || t.length != 5 || !"storage".equals(t[0])
        || !(t[1] instanceof StorageClass storageClass) || !(t[2] instanceof String key)
        || !(t[4] instanceof Number)) {
      throw refused("persistent id " + describe(pid) + " is not torch's ('storage', torch.<Type>Storage, key, "
          + "location, size)");
    }
    long elements = toLong(t[4], "storage size");
    if (elements < 0) {
      throw refused("storage '" + key + "' has a negative size " + elements);
    }
    PickledStorage storage = storages.get(key);
    if (storage == null) {
      storage = new PickledStorage(storageClass, key, t[3] instanceof String s ? s : describe(t[3]), elements);
      storages.put(key, storage);
    } else if (!storage.storageClass().equals(storageClass) || storage.elements() != elements) {
      throw refused("storage '" + key + "' is named twice with different types or sizes");
    }
    return storage;
  }

  private Object orderedDict(Object[] args) {
    LinkedHashMap<Object, Object> map = new LinkedHashMap<>();
    if (args.length == 1 && args[0] instanceof List<?> pairs) {
      for (Object pair : pairs) {
        if (pair instanceof Object[] kv && kv.length == 2) {
          map.put(kv[0], kv[1]);
        } else if (pair instanceof List<?> kv && kv.size() == 2) {
          map.put(kv.get(0), kv.get(1));
        } else {
          throw refused("collections.OrderedDict called with " + describe(pair) + ", expected key-value pairs");
        }
      }
    } else if (args.length != 0) {
      throw refused("collections.OrderedDict called with " + args.length + " arguments");
    }
    return map;
  }

  /** {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])}. */
  private Object rebuildTensor(Object[] args) {
    if (args.length < 4 || !(args[0] instanceof PickledStorage storage)) {
      throw refused("torch._utils._rebuild_tensor_v2 called with " + describe(args)
          + ", expected (storage, offset, size, stride, ...)");
    }
    long offset = toLong(args[1], "storage offset");
    long[] shape = longs(args[2], "size");
    long[] stride = longs(args[3], "stride");
    if (shape.length != stride.length) {
      throw refused("a tensor has size " + Arrays.toString(shape) + " but stride " + Arrays.toString(stride));
    }
    return new PickledTensor(storage, offset, shape, stride);
  }

  /** {@code _rebuild_parameter(data, requires_grad, backward_hooks[, state])}: the data tensor. */
  private Object rebuildParameter(Object[] args) {
    if (args.length < 1 || !(args[0] instanceof PickledTensor)) {
      throw refused("torch._utils._rebuild_parameter called without a tensor");
    }
    return args[0];
  }

  /**
   * {@code _rebuild_from_type_v2(func, new_type, args, state)}, torch 2's spelling of a tensor with
   * Python attributes: {@code func(*args)} when func is an allowed rebuild function and new_type a
   * plain tensor class; the state (the attributes) is ignored.
   */
  private Object rebuildFromType(Object[] args) {
    if (args.length != 4 || !(args[0] instanceof AllowedCallable function) || !(args[2] instanceof Object[] inner)) {
      throw refused("torch._tensor._rebuild_from_type_v2 called with " + describe(args)
          + ", expected (function, type, args, state)");
    }
    if (!(args[1] instanceof TensorClass)) {
      throw refused("torch._tensor._rebuild_from_type_v2 rebuilds a " + describe(args[1]) + "; only "
          + String.join(" and ", TENSOR_CLASSES) + " are read");
    }
    Object tensor = function.construct(inner);
    if (!(tensor instanceof PickledTensor)) {
      throw refused("torch._tensor._rebuild_from_type_v2 with " + function.global() + " gives no tensor");
    }
    return tensor;
  }

  /** {@code _codecs.encode(text, 'latin1')}: protocol 2's spelling of a bytes object. */
  private Object encode(Object[] args) {
    if (args.length < 1 || !(args[0] instanceof String text)) {
      throw refused("_codecs.encode called without a string");
    }
    String encoding = args.length > 1 ? String.valueOf(args[1]) : "utf-8";
    return text.getBytes(encoding.equalsIgnoreCase("latin1") || encoding.equalsIgnoreCase("latin-1")
        ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
  }

  private long[] longs(Object value, String what) {
    if (!(value instanceof Object[] tuple)) {
      throw refused("a tensor's " + what + " is a " + typeName(value) + ", expected a tuple of ints");
    }
    long[] out = new long[tuple.length];
    for (int i = 0; i < tuple.length; i++) {
      out[i] = toLong(tuple[i], what);
      if (out[i] < 0) {
        throw refused("a tensor's " + what + " " + describe(tuple) + " is negative");
      }
    }
    return out;
  }

  private long toLong(Object value, String what) {
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger b && b.bitLength() < 64) {
      return b.longValue();
    }
    throw refused("a " + what + " is " + describe(value) + ", expected an int");
  }

  private TorchCheckpointException refused(String problem) {
    return new TorchCheckpointException(file, "refused: " + problem + NOTHING_RAN);
  }

  /**
   * Describes a value for a message, bounded: at most {@value #DESCRIBE_DEPTH} levels of containers
   * and {@value #DESCRIBE_ITEMS} items each are shown, then "…" (a crafted pickle's values may be
   * deep, memo-shared or self-containing).
   */
  static String describe(Object value) {
    StringBuilder sb = new StringBuilder();
    describe(value, 0, sb);
    return sb.toString();
  }

  private static void describe(Object value, int depth, StringBuilder sb) {
    if (value instanceof AllowedCallable c) {
      sb.append(c.global());
    } else if (value instanceof StorageClass s) {
      sb.append("torch.").append(s.name());
    } else if (value instanceof TensorClass c) {
      sb.append(c.name());
    } else if (value instanceof String s) {
      sb.append('\'').append(s.length() > DESCRIBE_TEXT ? s.substring(0, DESCRIBE_TEXT) + "…" : s).append('\'');
    } else if (value instanceof Integer || value instanceof Long || value instanceof Boolean
        || value instanceof Double) {
      sb.append(value);
    } else if (value instanceof BigInteger b) {
      sb.append(b.bitLength() <= 128 ? b.toString() : "an int of " + b.bitLength() + " bits");
    } else if (value instanceof byte[] b) {
      sb.append("bytes of length ").append(b.length);
    } else if (value instanceof PickledStorage s) {
      sb.append("storage '").append(s.key()).append('\'');
    } else if (value instanceof Object[] t) {
      items(Arrays.asList(t), t.length, depth, "(", ")", sb);
    } else if (value instanceof Collection<?> c) {
      items(c, c.size(), depth, value instanceof List ? "[" : "{", value instanceof List ? "]" : "}", sb);
    } else if (value instanceof Map<?, ?> m) {
      if (depth >= DESCRIBE_DEPTH) {
        sb.append(m.isEmpty() ? "{}" : "{…}");
        return;
      }
      sb.append('{');
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (i > 0) {
          sb.append(", ");
        }
        if (i++ == DESCRIBE_ITEMS) {
          sb.append("… (").append(m.size()).append(" items)");
          break;
        }
        describe(e.getKey(), depth + 1, sb);
        sb.append(": ");
        describe(e.getValue(), depth + 1, sb);
      }
      sb.append('}');
    } else {
      sb.append(typeName(value));
    }
  }

  private static void items(Iterable<?> items, int size, int depth, String open, String close, StringBuilder sb) {
    if (depth >= DESCRIBE_DEPTH) {
      sb.append(open).append(size == 0 ? "" : "…").append(close);
      return;
    }
    sb.append(open);
    int i = 0;
    for (Object item : items) {
      if (i > 0) {
        sb.append(", ");
      }
      if (i++ == DESCRIBE_ITEMS) {
        sb.append("… (").append(size).append(" items)");
        break;
      }
      describe(item, depth + 1, sb);
    }
    sb.append(close);
  }

  /** Returns a Python-like type name of an unpickled value, for messages. */
  static String typeName(Object value) {
    if (value == null) {
      return "None";
    } else if (value instanceof Map) {
      return "dict";
    } else if (value instanceof List) {
      return "list";
    } else if (value instanceof Set) {
      return "set";
    } else if (value instanceof Object[]) {
      return "tuple";
    } else if (value instanceof String) {
      return "str";
    } else if (value instanceof Boolean) {
      return "bool";
    } else if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
      return "int";
    } else if (value instanceof Double) {
      return "float";
    } else if (value instanceof byte[]) {
      return "bytes";
    } else if (value instanceof PickledTensor) {
      return "tensor";
    } else if (value instanceof PickledStorage) {
      return "storage";
    } else if (value instanceof StorageClass s) {
      return "torch." + s.name();
    } else if (value instanceof ScriptObject o) {
      return o.className();
    } else if (value instanceof AllowedCallable c) {
      return c.global();
    } else if (value instanceof TensorClass c) {
      return c.name();
    }
    return value.getClass().getSimpleName();
  }

  /** Returns the sorted keys of a map as text, for messages. */
  static String keys(Map<?, ?> map) {
    TreeSet<String> names = new TreeSet<>();
    map.keySet().forEach(k -> names.add(k instanceof String s ? s : describe(k)));
    if (names.size() <= 20) {
      return names.toString();
    }
    List<String> first = new ArrayList<>(names).subList(0, 20);
    return "[" + String.join(", ", first) + ", … (" + names.size() + " keys)]";
  }
}
