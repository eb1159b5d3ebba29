package org.ckcoop.cli.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Reads the compiled main classes of every module and fails on the engine calls that make gradients
 * depend on the JVM's garbage collector: an {@code NDArray} operation with a Java {@code Number}
 * operand ({@code x.mul(2f)}), {@code NDManager.create} with Java data, {@code NDArray.set} with Java
 * data. Each makes a tensor whose memory only a Java handle keeps alive; {@code EngineArrays} is the
 * one place allowed to do it (it copies into engine-owned memory at once).
 */
class EngineArraysOnlyTest {
  private static final Set<String> ARRAY_TYPES = Set.of(
      "ai/djl/ndarray/NDArray", "ai/djl/ndarray/NDArrays", "ai/djl/ndarray/NDArrayAdapter",
      "ai/djl/pytorch/engine/PtNDArray");
  private static final Set<String> MANAGER_TYPES = Set.of(
      "ai/djl/ndarray/NDManager", "ai/djl/ndarray/BaseNDManager", "ai/djl/pytorch/engine/PtNDManager");
  /** Number-taking operations that reach the engine natively, without a Java-backed scalar. */
  private static final Set<String> NATIVE_NUMBER_OPERATIONS = Set.of("clip");
  private static final Map<String, String> ALLOWED = Map.of(
      "org/ckcoop/common/engine/EngineArrays", "the one helper: copies Java data into engine-owned memory at once",
      "org/ckcoop/kronecker/KroneckerInit", "pure module without the backbone: duplicates into engine memory itself",
      "org/ckcoop/dictionary/KMeans", "pure module without the backbone: k-means never runs under a gradient collector",
      "org/ckcoop/dictionary/QuantizedDictionary", "pure module without the backbone: duplicates into engine memory itself");
  /** One class of each module, so that a module missing from the scan fails the test instead of passing it. */
  private static final List<String> ONE_CLASS_PER_MODULE = List.of(
      "org/ckcoop/backbone/ClipBackbone", "org/ckcoop/dictionary/KMeans", "org/ckcoop/kronecker/Kronecker",
      "org/ckcoop/core/train/LearnerTrainer", "org/ckcoop/baselines/coop/CoOpLearner",
      "org/ckcoop/world/pretrain/Pretrainer", "org/ckcoop/eval/study/StudyRunner",
      "org/ckcoop/cli/CkcoopCommand", "org/ckcoop/common/engine/EngineArrays");

  @Test
  void noMainClassMakesJavaBackedArrays() {
    Set<String> scanned = new TreeSet<>();
    List<String> violations = new ArrayList<>();
    for (ProjectClasses.ProjectClass c : ProjectClasses.all().values()) {
      scanned.add(c.name());
      if (!ALLOWED.containsKey(c.name())) {
        violations.addAll(violations(c.bytes()));
      }
    }
    assertThat(scanned).containsAll(ONE_CLASS_PER_MODULE);
    assertThat(violations)
        .as("use org.ckcoop.common.engine.EngineArrays (of, scalar, overwrite) instead of these calls")
        .isEmpty();
  }

  @Test
  void theScanFindsTheOldPatterns() throws IOException {
    List<String> found = violations(classBytes(OldPatterns.class));
    assertThat(found).hasSize(4);
    assertThat(String.join("\n", found))
        .contains("scaled calls NDArray.mul(Number)")
        .contains("fromJava calls NDManager.create(float[], Shape)")
        .contains("overwrite calls NDArray.set(float[])")
        .contains("scalarLoss calls NDManager.create(float)");
  }

  /** Lists each forbidden call in one class file, as "Class.method calls Owner.name(parameters)". */
  static List<String> violations(byte[] classFile) {
    List<String> out = new ArrayList<>();
    ClassReader reader = new ClassReader(classFile);
    String className = reader.getClassName();
    reader.accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public MethodVisitor visitMethod(int access, String method, String descriptor, String signature, String[] exceptions) {
        return new MethodVisitor(Opcodes.ASM9) {
          @Override
          public void visitMethodInsn(int opcode, String owner, String name, String called, boolean isInterface) {
            if (forbidden(owner, name, called)) {
              out.add(className.replace('/', '.') + "." + method + " calls " + simple(owner) + "." + name
                  + "(" + parameters(called) + ")");
            }
          }
        };
      }
    }, ClassReader.SKIP_DEBUG);
    return out;
  }

  private static boolean forbidden(String owner, String name, String descriptor) {
    Type[] parameters = Type.getArgumentTypes(descriptor);
    if (ARRAY_TYPES.contains(owner)) {
      boolean number = Stream.of(parameters).anyMatch(t -> t.getDescriptor().equals("Ljava/lang/Number;"));
      if (number && !NATIVE_NUMBER_OPERATIONS.contains(name)) {
        return true;
      }
      if (name.equals("cbrt")) {
        return true; // PtNDArray.cbrt raises to a Java-backed 1/3
      }
      return name.equals("set") && parameters.length == 1 && javaData(parameters[0]);
    }
    if (MANAGER_TYPES.contains(owner) && name.startsWith("create")) {
      return Stream.of(parameters).anyMatch(EngineArraysOnlyTest::javaData);
    }
    return false;
  }

  /** Java arrays, NIO buffers, boxed or primitive numbers and booleans: data the engine would borrow. */
  private static boolean javaData(Type t) {
    return switch (t.getSort()) {
      case Type.ARRAY, Type.FLOAT, Type.DOUBLE, Type.INT, Type.LONG, Type.BOOLEAN, Type.BYTE, Type.SHORT -> true;
      case Type.OBJECT -> t.getInternalName().startsWith("java/nio/") || t.getInternalName().equals("java/lang/Number");
      default -> false;
    };
  }

  private static String parameters(String descriptor) {
    List<String> names = new ArrayList<>();
    for (Type t : Type.getArgumentTypes(descriptor)) {
      names.add(simple(t.getClassName().replace('.', '/')));
    }
    return String.join(", ", names);
  }

  private static String simple(String internalName) {
    return internalName.substring(internalName.lastIndexOf('/') + 1);
  }

  private static byte[] classBytes(Class<?> type) throws IOException {
    try (InputStream in = type.getResourceAsStream(type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class")) {
      return in.readAllBytes();
    }
  }

  /** The patterns the scan must catch (never run). */
  @SuppressWarnings("unused")
  static final class OldPatterns {
    static ai.djl.ndarray.NDArray scaled(ai.djl.ndarray.NDArray cosine, double logitScale) {
      return cosine.mul((float) Math.exp(logitScale));
    }

    static ai.djl.ndarray.NDArray fromJava(ai.djl.ndarray.NDManager manager, float[] values) {
      return manager.create(values, new ai.djl.ndarray.types.Shape(values.length));
    }

    static void overwrite(ai.djl.ndarray.NDArray array, float[] values) {
      array.set(values);
    }

    static ai.djl.ndarray.NDArray scalarLoss(ai.djl.ndarray.NDManager manager, ai.djl.ndarray.NDArray meanCos) {
      return manager.create(1f).sub(meanCos);
    }
  }
}
