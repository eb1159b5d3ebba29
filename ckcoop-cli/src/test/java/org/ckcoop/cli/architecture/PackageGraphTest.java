package org.ckcoop.cli.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.signature.SignatureReader;
import org.objectweb.asm.signature.SignatureVisitor;

/**
 * The project's architecture, read from the compiled classes of every module: the package graph (a
 * package depends on another when any of its classes names a type of the other, in code, signatures,
 * generics or annotations) has no cycle, and modules depend on each other only in the brief's
 * direction: common below all; dictionary and kronecker pure (the dictionary starts the engine through common); the backbone knows no learner or
 * dataset; core names no concrete learner; eval-suite names no learner, demo world or command line.
 */
class PackageGraphTest {
  /** Which project modules each module's main classes may name (besides its own). */
  private static final Map<String, Set<String>> ALLOWED_MODULES = Map.of(
      "ckcoop-common", Set.of(),
      "ckcoop-dictionary", Set.of("ckcoop-common"),
      "ckcoop-kronecker", Set.of(),
      "clip-backbone", Set.of("ckcoop-common"),
      "ckcoop-core", Set.of("ckcoop-common", "clip-backbone", "ckcoop-dictionary", "ckcoop-kronecker"),
      "baselines-coop-cocoop", Set.of("ckcoop-common", "clip-backbone", "ckcoop-core"),
      "demo-world", Set.of("ckcoop-common", "clip-backbone", "ckcoop-core"),
      "eval-suite", Set.of("ckcoop-common", "clip-backbone", "ckcoop-core"),
      "ckcoop-cli", Set.of("ckcoop-common", "clip-backbone", "ckcoop-dictionary", "ckcoop-core", "demo-world", "eval-suite"));

  private static Map<String, ProjectClasses.ProjectClass> classes;
  /** package -> package -> one example "Class -> Class" edge. */
  private static Map<String, Map<String, String>> packageEdges;

  @BeforeAll
  static void readClasses() {
    classes = ProjectClasses.all();
    packageEdges = new TreeMap<>();
    for (ProjectClasses.ProjectClass c : classes.values()) {
      String from = ProjectClasses.packageOf(c.name());
      packageEdges.computeIfAbsent(from, k -> new TreeMap<>());
      for (String target : referencedTypes(c.bytes())) {
        if (!classes.containsKey(target)) {
          continue; // JDK, libraries
        }
        String to = ProjectClasses.packageOf(target);
        if (!to.equals(from)) {
          packageEdges.get(from).putIfAbsent(to, simple(c.name()) + " -> " + simple(target));
        }
      }
    }
  }

  @Test
  void everyModuleIsScanned() {
    Set<String> modules = new TreeSet<>();
    classes.values().forEach(c -> modules.add(c.module()));
    assertThat(modules).containsExactlyInAnyOrderElementsOf(ALLOWED_MODULES.keySet());
    assertThat(packageEdges.size()).as("packages scanned").isGreaterThan(40);
  }

  @Test
  void thePackageGraphHasNoCycle() {
    List<String> cycles = new ArrayList<>();
    for (Set<String> component : stronglyConnectedComponents(packageEdges)) {
      if (component.size() > 1) {
        StringBuilder b = new StringBuilder("cycle among " + component + ":");
        for (String from : component) {
          for (Map.Entry<String, String> e : packageEdges.get(from).entrySet()) {
            if (component.contains(e.getKey())) {
              b.append("\n    ").append(from).append(" -> ").append(e.getKey()).append(" (").append(e.getValue()).append(')');
            }
          }
        }
        cycles.add(b.toString());
      }
    }
    assertThat(cycles).as("package cycles").isEmpty();
  }

  @Test
  void modulesDependOnlyInTheBriefsDirection() {
    List<String> violations = new ArrayList<>();
    for (ProjectClasses.ProjectClass c : classes.values()) {
      Set<String> allowed = ALLOWED_MODULES.get(c.module());
      for (String target : referencedTypes(c.bytes())) {
        ProjectClasses.ProjectClass t = classes.get(target);
        if (t != null && !t.module().equals(c.module()) && !allowed.contains(t.module())) {
          violations.add(c.module() + ": " + c.name() + " names " + t.module() + "'s " + target);
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void theCycleSearchFindsACycle() {
    Map<String, Map<String, String>> g = new TreeMap<>();
    g.put("a", new TreeMap<>(Map.of("b", "")));
    g.put("b", new TreeMap<>(Map.of("c", "")));
    g.put("c", new TreeMap<>(Map.of("a", "", "d", "")));
    g.put("d", new TreeMap<>());
    assertThat(stronglyConnectedComponents(g)).contains(Set.of("a", "b", "c"), Set.of("d"));
  }

  /** Tarjan's algorithm, iterative over a sorted graph so that the output is deterministic. */
  static List<Set<String>> stronglyConnectedComponents(Map<String, Map<String, String>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new java.util.HashSet<>();
    List<Set<String>> out = new ArrayList<>();
    int[] counter = {0};
    for (String start : graph.keySet()) {
      if (!index.containsKey(start)) {
        strongConnect(start, graph, index, low, stack, onStack, out, counter);
      }
    }
    return out;
  }

  private static void strongConnect(String v, Map<String, Map<String, String>> graph, Map<String, Integer> index,
      Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<Set<String>> out, int[] counter) {
    index.put(v, counter[0]);
    low.put(v, counter[0]++);
    stack.push(v);
    onStack.add(v);
    for (String w : graph.getOrDefault(v, Map.of()).keySet()) {
      if (!index.containsKey(w)) {
        strongConnect(w, graph, index, low, stack, onStack, out, counter);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> component = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        component.add(w);
      } while (!w.equals(v));
      out.add(component);
    }
  }

  /** Every type a class file names: supertypes, members, signatures, code, annotations. */
  static Set<String> referencedTypes(byte[] classFile) {
    Set<String> types = new TreeSet<>();
    SignatureVisitor signatures = new SignatureVisitor(Opcodes.ASM9) {
      @Override
      public void visitClassType(String name) {
        types.add(name);
      }

      @Override
      public void visitInnerClassType(String name) {
        // the outer class was recorded by visitClassType
      }
    };
    AnnotationVisitor annotations = new AnnotationVisitor(Opcodes.ASM9) {
      @Override
      public void visitEnum(String name, String descriptor, String value) {
        addDescriptor(types, descriptor);
      }

      @Override
      public void visit(String name, Object value) {
        if (value instanceof Type t) {
          addType(types, t);
        }
      }

      @Override
      public AnnotationVisitor visitAnnotation(String name, String descriptor) {
        addDescriptor(types, descriptor);
        return this;
      }

      @Override
      public AnnotationVisitor visitArray(String name) {
        return this;
      }
    };
    new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        if (superName != null) {
          types.add(superName);
        }
        if (interfaces != null) {
          types.addAll(List.of(interfaces));
        }
        if (signature != null) {
          new SignatureReader(signature).accept(signatures);
        }
      }

      @Override
      public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
        addDescriptor(types, descriptor);
        return annotations;
      }

      @Override
      public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
        addDescriptor(types, descriptor);
        if (signature != null) {
          new SignatureReader(signature).acceptType(signatures);
        }
        return new FieldVisitor(Opcodes.ASM9) {
          @Override
          public AnnotationVisitor visitAnnotation(String d, boolean visible) {
            addDescriptor(types, d);
            return annotations;
          }
        };
      }

      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
        addType(types, Type.getMethodType(descriptor));
        if (signature != null) {
          new SignatureReader(signature).accept(signatures);
        }
        if (exceptions != null) {
          types.addAll(List.of(exceptions));
        }
        return new MethodVisitor(Opcodes.ASM9) {
          @Override
          public AnnotationVisitor visitAnnotation(String d, boolean visible) {
            addDescriptor(types, d);
            return annotations;
          }

          @Override
          public void visitTypeInsn(int opcode, String type) {
            addType(types, Type.getObjectType(type));
          }

          @Override
          public void visitFieldInsn(int opcode, String owner, String n, String d) {
            types.add(owner);
            addDescriptor(types, d);
          }

          @Override
          public void visitMethodInsn(int opcode, String owner, String n, String d, boolean isInterface) {
            addType(types, Type.getObjectType(owner));
            addType(types, Type.getMethodType(d));
          }

          @Override
          public void visitInvokeDynamicInsn(String n, String d, Handle bootstrap, Object... arguments) {
            addType(types, Type.getMethodType(d));
            for (Object a : arguments) {
              if (a instanceof Type t) {
                addType(types, t);
              } else if (a instanceof Handle h) {
                types.add(h.getOwner());
                addDescriptor(types, h.getDesc());
              }
            }
          }

          @Override
          public void visitLdcInsn(Object value) {
            if (value instanceof Type t) {
              addType(types, t);
            }
          }

          @Override
          public void visitMultiANewArrayInsn(String d, int dims) {
            addDescriptor(types, d);
          }

          @Override
          public void visitTryCatchBlock(org.objectweb.asm.Label a, org.objectweb.asm.Label b, org.objectweb.asm.Label c, String type) {
            if (type != null) {
              types.add(type);
            }
          }

          @Override
          public void visitLocalVariable(String n, String d, String s, org.objectweb.asm.Label a, org.objectweb.asm.Label b, int i) {
            addDescriptor(types, d);
            if (s != null) {
              new SignatureReader(s).acceptType(signatures);
            }
          }
        };
      }
    }, 0);
    return types;
  }

  private static void addDescriptor(Set<String> types, String descriptor) {
    addType(types, descriptor.startsWith("(") ? Type.getMethodType(descriptor) : Type.getType(descriptor));
  }

  private static void addType(Set<String> types, Type t) {
    switch (t.getSort()) {
      case Type.ARRAY -> addType(types, t.getElementType());
      case Type.OBJECT -> types.add(t.getInternalName());
      case Type.METHOD -> {
        addType(types, t.getReturnType());
        for (Type a : t.getArgumentTypes()) {
          addType(types, a);
        }
      }
      default -> { }
    }
  }

  private static String simple(String internalName) {
    return internalName.substring(internalName.lastIndexOf('/') + 1);
  }
}
