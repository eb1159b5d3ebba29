package org.ckcoop.eval.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * Reads a pickle that CoOp/Dassl wrote, with an unpickler that accepts only what such a file holds:
 * dicts, lists, tuples, strings, numbers, booleans, {@code None}, and objects of the one class
 * {@value #DATUM_CLASS}.
 *
 * <p>razorvine's {@link Unpickler} never runs Python code, but it resolves any global it does not
 * know into a {@link net.razorvine.pickle.objects.ClassDict} and passes REDUCE/NEWOBJ arguments to
 * it. Here every global ({@code GLOBAL}, {@code STACK_GLOBAL}, {@code INST}) is checked before
 * anything is built: {@value #DATUM_CLASS} becomes a {@link PickledDatum}, anything else
 * ({@code os.system}, {@code builtins.eval}, {@code collections.OrderedDict}, ...) stops the read with
 * a {@link DatasetException} naming the file and the global. {@code BUILD} is accepted only on a
 * {@link PickledDatum} with a dict state, and extension codes are refused. The class table razorvine
 * keeps for all unpicklers in the JVM ({@link Unpickler#registerConstructor}) is neither used nor
 * changed.
 */
final class DasslPickleFile {
  /** The module and name, joined by a dot, of Dassl's {@code Datum}. */
  static final String DATUM_CLASS = "dassl.data.datasets.base_dataset.Datum";
  /** What a CoOp cache may hold, for messages. */
  static final String ALLOWED = "dicts, lists, str, int and " + DATUM_CLASS + " objects";

  /** The parameter names of {@code Datum.__init__}, in order (positional arguments of a REDUCE). */
  private static final List<String> DATUM_ARGUMENTS = List.of("_impath", "_label", "_domain", "_classname");

  /** A Dassl {@code Datum} as unpickled: its instance attributes ({@code _impath}, {@code _label}, ...). */
  static final class PickledDatum {
    private final Map<String, Object> attributes = new LinkedHashMap<>();

    /** Returns an attribute's value, or null if the pickle did not set it. */
    Object get(String attribute) {
      return attributes.get(attribute);
    }

    @Override
    public String toString() {
      return "Datum" + attributes;
    }
  }

  /**
   * A pickle's object tree and the SHA-256 of its bytes.
   *
   * @param root the unpickled object: {@link Map}, {@link List}, {@code Object[]} (a tuple),
   *     {@link String}, a number, {@link Boolean}, null or {@link PickledDatum}
   * @param sha256 the SHA-256 of the file, 64 hex digits
   */
  record Contents(Object root, String sha256) {}

  private DasslPickleFile() {}

  /**
   * Reads and unpickles a file.
   *
   * @throws DatasetException naming the file if it cannot be read, is not a pickle, or names a
   *     global other than {@value #DATUM_CLASS}
   */
  static Contents read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new DatasetException(file, "cannot read the pickle: " + e.getMessage(), e);
    }
    AllowListUnpickler unpickler = new AllowListUnpickler(file);
    try {
      return new Contents(unpickler.loads(bytes), CanonicalJson.sha256(bytes));
    } catch (DatasetException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new DatasetException(file, "is not a readable pickle (" + e.getMessage() + "); expected a pickle of "
          + ALLOWED + " as CoOp writes", e);
    } finally {
      unpickler.close();
    }
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
    } else if (value instanceof Integer || value instanceof Long || value instanceof java.math.BigInteger) {
      return "int";
    } else if (value instanceof Double) {
      return "float";
    } else if (value instanceof PickledDatum) {
      return DATUM_CLASS;
    }
    return value.getClass().getSimpleName();
  }

  /** razorvine's unpickler with every global checked against the allow-list before it is used. */
  private static final class AllowListUnpickler extends Unpickler {
    private final Path file;
    private final IObjectConstructor datum = this::datum;

    AllowListUnpickler(Path file) {
      this.file = file;
    }

    @Override
    protected Object dispatch(short key) throws IOException {
      switch (key) {
        case Opcodes.GLOBAL -> {
          String module = PickleUtils.readline(input);
          String name = PickleUtils.readline(input);
          stack.add(constructor(module, name));
        }
        case Opcodes.STACK_GLOBAL -> {
          Object name = stack.pop();
          Object module = stack.pop();
          if (!(module instanceof String) || !(name instanceof String)) {
            throw new DatasetException(file, "refused: STACK_GLOBAL with a non-string module or name; a CoOp cache "
                + "holds only " + ALLOWED + ", and nothing was executed");
          }
          stack.add(constructor((String) module, (String) name));
        }
        case Opcodes.INST -> {
          String module = PickleUtils.readline(input);
          String name = PickleUtils.readline(input);
          IObjectConstructor constructor = constructor(module, name);
          stack.add(constructor.construct(stack.pop_all_since_marker().toArray()));
        }
        case Opcodes.BUILD -> {
          Object state = stack.pop();
          Object target = stack.peek();
          if (!(target instanceof PickledDatum d)) {
            throw new DatasetException(file, "refused: it sets the state of a " + typeName(target) + " (BUILD); a "
                + "CoOp cache sets only the attributes of " + DATUM_CLASS + " objects");
          }
          if (!(state instanceof Map<?, ?> attributes)) {
            throw new DatasetException(file, "is not a CoOp cache: the state of a Datum is a " + typeName(state)
                + ", expected a dict of its attributes");
          }
          for (Map.Entry<?, ?> e : attributes.entrySet()) {
            d.attributes.put(String.valueOf(e.getKey()), e.getValue());
          }
        }
        case Opcodes.EXT1, Opcodes.EXT2, Opcodes.EXT4 -> throw new DatasetException(file, "refused: it names a global "
            + "through the copyreg extension registry (EXT1/EXT2/EXT4); a CoOp cache holds only " + ALLOWED);
        default -> {
          return super.dispatch(key);
        }
      }
      return NO_RETURN_VALUE;
    }

    private IObjectConstructor constructor(String module, String name) {
      String global = module + "." + name;
      if (!DATUM_CLASS.equals(global)) {
        throw new DatasetException(file, "refused: the pickle names the Python global '" + global + "', which a "
            + "CoOp few-shot cache never holds (it holds only " + ALLOWED + "); nothing was loaded or executed");
      }
      return datum;
    }

    /** {@code Datum(*args)} for REDUCE, {@code Datum.__new__(Datum)} for NEWOBJ (no arguments). */
    private Object datum(Object[] args) {
      if (args.length > DATUM_ARGUMENTS.size()) {
        throw new DatasetException(file, "is not a CoOp cache: " + DATUM_CLASS + " is called with " + args.length
            + " arguments " + Arrays.toString(args) + ", its __init__ takes at most " + DATUM_ARGUMENTS.size());
      }
      PickledDatum d = new PickledDatum();
      for (int i = 0; i < args.length; i++) {
        d.attributes.put(DATUM_ARGUMENTS.get(i), args[i]);
      }
      return d;
    }
  }
}
