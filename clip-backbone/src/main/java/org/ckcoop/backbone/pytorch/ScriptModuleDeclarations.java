package org.ckcoop.backbone.pytorch;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Which attributes of a TorchScript class are parameters and buffers, as the archive's
 * {@code code/} declares them ({@code __parameters__ = ["weight", "bias", ]} and {@code __buffers__
 * = [...]} in {@code code/__torch__/torch/nn/modules/linear.py} for {@code
 * __torch__.torch.nn.modules.linear.Linear}). Only these tensors are in the module's state dict;
 * other tensor attributes (a scripted module's plain {@code attn_mask}) are not. The code is read as
 * text, never run.
 */
final class ScriptModuleDeclarations {
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

  private final ZipFile zip;
  private final String prefix;
  private final ArchiveEntries entries;
  /** Per code file (by entry name): each class's declared state names, empty when undeclared. */
  private final Map<String, Map<String, Optional<Set<String>>>> classesByFile = new HashMap<>();

  ScriptModuleDeclarations(ZipFile zip, String prefix, ArchiveEntries entries) {
    this.zip = zip;
    this.prefix = prefix;
    this.entries = entries;
  }

  /**
   * Returns the names of the parameters and buffers of {@code className} (e.g. {@code
   * __torch__.model.CLIP}), or empty when the archive does not declare the class.
   *
   * @throws TorchCheckpointException when the code files together inflate to more than the archive's
   *     budget ({@link ArchiveEntries})
   */
  Optional<Set<String>> stateNames(String className) {
    int dot = className.lastIndexOf('.');
    if (dot < 0) {
      return Optional.empty();
    }
    String module = className.substring(0, dot);
    String simpleName = className.substring(dot + 1);
    Map<String, Optional<Set<String>>> classes = classesByFile.computeIfAbsent(
        prefix + "code/" + module.replace('.', '/') + ".py", this::parse);
    return classes.getOrDefault(simpleName, Optional.empty());
  }

  /** Reads one code file once: every {@code class Name(...)} and the names its state lines declare. */
  private Map<String, Optional<Set<String>>> parse(String entryName) {
    ZipEntry entry = zip.getEntry(entryName);
    if (entry == null) {
      return Map.of();
    }
    String code = new String(entries.read(entry), StandardCharsets.UTF_8);
    Map<String, Optional<Set<String>>> classes = new HashMap<>();
    String current = null;
    Set<String> names = null;
    boolean declared = false;
    for (String line : (Iterable<String>) code.lines()::iterator) {
      if (line.startsWith("class ")) {
        if (current != null) {
          classes.putIfAbsent(current, declared ? Optional.of(names) : Optional.empty());
        }
        int paren = line.indexOf('(');
        current = paren > "class ".length() ? line.substring("class ".length(), paren) : null;
        names = new LinkedHashSet<>();
        declared = false;
        continue;
      }
      if (current == null) {
        continue;
      }
      String trimmed = line.trim();
      if (trimmed.startsWith("__parameters__ =") || trimmed.startsWith("__buffers__ =")) {
        declared = true;
        Matcher m = QUOTED.matcher(trimmed);
        while (m.find()) {
          names.add(m.group(1));
        }
      }
    }
    if (current != null) {
      classes.putIfAbsent(current, declared ? Optional.of(names) : Optional.empty());
    }
    return classes;
  }
}
