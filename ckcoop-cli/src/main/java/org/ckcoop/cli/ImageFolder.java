package org.ckcoop.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.ckcoop.common.InputException;

/** The images of a folder as the commands read them: PNG and JPEG files, sorted by file name. */
final class ImageFolder {
  /** File name extensions read from a folder. */
  static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

  private ImageFolder() {}

  /**
   * Lists the images of {@code folder}.
   *
   * @param option the option that named the folder, for messages
   * @throws InputException when the folder is missing or holds no image
   */
  static List<Path> list(Path folder, String option) {
    if (!Files.isDirectory(folder)) {
      throw new InputException(option + " " + folder, "no such folder");
    }
    List<Path> found;
    try (Stream<Path> files = Files.list(folder)) {
      found = files.filter(Files::isRegularFile)
          .filter(p -> EXTENSIONS.stream().anyMatch(e -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(e)))
          .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
          .toList();
    } catch (IOException e) {
      throw new InputException(option + " " + folder, "cannot list: " + e.getMessage(), e);
    }
    if (found.isEmpty()) {
      throw new InputException(option + " " + folder, "no .png, .jpg or .jpeg files in it");
    }
    return found;
  }
}
