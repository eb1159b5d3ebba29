package org.ckcoop.backbone.pytorch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
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
  private static final long MAX_CODE_BYTES = 64L << 20;

  private final ZipFile zip;
  private final String prefix;
  private final Map<String, Optional<Set<String>>> byClass = new HashMap<>();
  private final Map<String, Optional<String>> codeByFile = new HashMap<>();

  ScriptModuleDeclarations(ZipFile zip, String prefix) {
    this.zip = zip;
    this.prefix = prefix;
  }

  /**
   * Returns the names of the parameters and buffers of {@code className} (e.g. {@code
   * __torch__.model.CLIP}), or empty when the archive does not declare the class.
   */
  Optional<Set<String>> stateNames(String className) {
    return byClass.computeIfAbsent(className, this::read);
  }

  private Optional<Set<String>> read(String className) {
    int dot = className.lastIndexOf('.');
    if (dot < 0) {
      return Optional.empty();
    }
    String module = className.substring(0, dot);
    String simpleName = className.substring(dot + 1);
    Optional<String> code = codeByFile.computeIfAbsent(
        prefix + "code/" + module.replace('.', '/') + ".py", this::readEntry);
    if (code.isEmpty()) {
      return Optional.empty();
    }
    List<String> lines = code.get().lines().toList();
    String header = "class " + simpleName + "(";
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).startsWith(header)) {
        continue;
      }
      Set<String> names = new LinkedHashSet<>();
      boolean declared = false;
      for (int j = i + 1; j < lines.size() && !lines.get(j).startsWith("class "); j++) {
        String line = lines.get(j).trim();
        if (line.startsWith("__parameters__ =") || line.startsWith("__buffers__ =")) {
          declared = true;
          Matcher m = QUOTED.matcher(line);
          while (m.find()) {
            names.add(m.group(1));
          }
        }
      }
      return declared ? Optional.of(names) : Optional.empty();
    }
    return Optional.empty();
  }

  private Optional<String> readEntry(String name) {
    ZipEntry entry = zip.getEntry(name);
    if (entry == null || entry.getSize() > MAX_CODE_BYTES) {
      return Optional.empty();
    }
    try (InputStream in = zip.getInputStream(entry)) {
      return Optional.of(new String(in.readNBytes((int) MAX_CODE_BYTES), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
