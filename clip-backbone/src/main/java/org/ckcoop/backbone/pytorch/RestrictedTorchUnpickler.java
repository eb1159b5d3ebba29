package org.ckcoop.backbone.pytorch;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
  private final Map<String, PickledStorage> storages = new HashMap<>();

  RestrictedTorchUnpickler(Path file) {
    this.file = file;
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
        if (!(stack.peek() instanceof Map<?, ?> target) || items.size() % 2 != 0) {
          throw refused("SETITEMS on a " + typeName(stack.peek()));
        }
        @SuppressWarnings("unchecked")
        Map<Object, Object> map = (Map<Object, Object>) target;
        for (int i = 0; i < items.size(); i += 2) {
          map.put(items.get(i), items.get(i + 1));
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
          throw refused("it constructs TorchScript class " + global + " with arguments " + Arrays.toString(args));
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
      attributes.forEach((k, v) -> object.attributes.put(String.valueOf(k), v));
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
    PickledStorage storage = storages.get(key);
    if (storage == null) {
      storage = new PickledStorage(storageClass, key, String.valueOf(t[3]), elements);
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
      throw refused("torch._utils._rebuild_tensor_v2 called with " + Arrays.deepToString(args)
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
      throw refused("torch._tensor._rebuild_from_type_v2 called with " + Arrays.deepToString(args)
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
        throw refused("a tensor's " + what + " " + Arrays.deepToString(tuple) + " is negative");
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

  private static String describe(Object value) {
    if (value instanceof AllowedCallable c) {
      return c.global();
    }
    if (value instanceof StorageClass s) {
      return "torch." + s.name();
    }
    if (value instanceof TensorClass c) {
      return c.name();
    }
    if (value instanceof Object[] t) {
      return Arrays.deepToString(t);
    }
    return typeName(value);
  }

  /** Returns a Python-like type name of an unpickled value, for messages. */
  static String typeName(Object value) {
    if (value == null) {
      return "None";
    } else if (value instanceof Map) {
      return "dict";
    } else if (value instanceof List) {
      return "list";
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
    map.keySet().forEach(k -> names.add(String.valueOf(k)));
    return names.toString();
  }
}
