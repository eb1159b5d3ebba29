package org.ckcoop.eval.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ImageNet's {@code classnames.txt} (CLIP's class names, as CoOp ships it): one line per class,
 * {@code <wnid> <class name>}, in label order (sorted by wnid).
 */
final class WnidClassNames {
  private WnidClassNames() {}

  /**
   * Reads the file as CoOp's {@code ImageNet.read_classnames} does: the first word is the folder, the
   * rest the class name. Blank lines are skipped.
   *
   * @return folder name to class name, in file order
   * @throws DatasetException naming the line of a malformed or repeated entry
   */
  static Map<String, String> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new DatasetException(file, "cannot read: " + e.getMessage(), e);
    }
    Map<String, String> names = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      int space = line.indexOf(' ');
      String name = space < 0 ? "" : line.substring(space + 1);
      if (name.isBlank()) {
        throw new DatasetException(file + " line " + (i + 1), "expected '<wnid> <class name>', got '" + line + "'");
      }
      if (names.putIfAbsent(line.substring(0, space), name) != null) {
        throw new DatasetException(file + " line " + (i + 1), "folder '" + line.substring(0, space) + "' is listed twice");
      }
    }
    if (names.isEmpty()) {
      throw new DatasetException(file, "lists no classes; expected lines '<wnid> <class name>'");
    }
    return names;
  }
}
