package org.ckcoop.cli.architecture;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The compiled main (not test) classes of every project module on this test's class path, by internal
 * name, with the module each came from. The application module sees every other module, so its tests
 * are where whole-project rules (engine-array use, package cycles, module direction) are checked.
 */
final class ProjectClasses {
  private static final Pattern MODULE_JAR = Pattern.compile(
      "(clip-backbone|ckcoop-[a-z]+|baselines-[a-z-]+|demo-world|eval-suite)-[0-9].*\\.jar");
  private static final Pattern MODULE_DIR = Pattern.compile(".*[/\\\\]([a-z-]+)[/\\\\]target[/\\\\]classes$");

  /** A class file and the module it belongs to. */
  record ProjectClass(String module, String name, byte[] bytes) {}

  private ProjectClasses() {}

  /** Reads every main class under {@code org/ckcoop/} of the project's modules on the class path. */
  static Map<String, ProjectClass> all() {
    Map<String, ProjectClass> classes = new LinkedHashMap<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      try {
        Matcher dir = MODULE_DIR.matcher(path.toAbsolutePath().toString());
        if (Files.isDirectory(path) && dir.matches()) {
          Path root = path.resolve("org/ckcoop");
          if (Files.isDirectory(root)) {
            try (Stream<Path> files = Files.walk(root)) {
              for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = path.relativize(f).toString().replace(File.separatorChar, '/');
                name = name.substring(0, name.length() - 6);
                classes.put(name, new ProjectClass(dir.group(1), name, Files.readAllBytes(f)));
              }
            }
          }
          continue;
        }
        Matcher jarName = MODULE_JAR.matcher(path.getFileName().toString());
        if (entry.endsWith(".jar") && jarName.matches() && !entry.endsWith("-tests.jar")) {
          try (JarFile jar = new JarFile(path.toFile())) {
            for (JarEntry e : Collections.list(jar.entries())) {
              if (e.getName().startsWith("org/ckcoop/") && e.getName().endsWith(".class")) {
                try (InputStream in = jar.getInputStream(e)) {
                  String name = e.getName().substring(0, e.getName().length() - 6);
                  classes.put(name, new ProjectClass(jarName.group(1), name, in.readAllBytes()));
                }
              }
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + entry, e);
      }
    }
    return classes;
  }

  /** The package of an internal class name, dotted: {@code org/ckcoop/core/Foo$Bar} to {@code org.ckcoop.core}. */
  static String packageOf(String internalName) {
    int slash = internalName.lastIndexOf('/');
    return slash < 0 ? "" : internalName.substring(0, slash).replace('/', '.');
  }
}
