package org.ckcoop.eval.data;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/** Listing image folders and checking image files, the way every reader does it. */
final class ImageFiles {
  /** File name extensions (any case) counted as images when a folder is listed. */
  static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff");

  /** Python's {@code sorted()} order of strings: by Unicode code point. */
  static final Comparator<String> PYTHON_ORDER = ImageFiles::compareCodePoints;

  private ImageFiles() {}

  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /**
   * Checks that a folder exists.
   *
   * @param what what the folder should hold, for the message
   * @throws DatasetException if it is not a folder
   */
  static Path requireFolder(Path dir, String what) {
    if (!Files.isDirectory(dir)) {
      throw new DatasetException(dir, "no such folder (expected " + what + ")");
    }
    return dir;
  }

  /**
   * Checks that a file exists.
   *
   * @param what what the file should be, for the message
   * @throws DatasetException if it is not a regular file
   */
  static Path requireFile(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      throw new DatasetException(file, "no such file (expected " + what + ")");
    }
    return file;
  }

  /** Returns the names of the non-hidden sub-folders of {@code dir}, in Python's sorted order. */
  static List<String> subfolders(Path dir) {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (!name.startsWith(".") && Files.isDirectory(p)) {
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw new DatasetException(dir, "cannot list: " + e.getMessage(), e);
    }
    names.sort(PYTHON_ORDER);
    return names;
  }

  /**
   * Returns the non-hidden image files of {@code dir} (by {@link #EXTENSIONS}), sorted by file name
   * in Python's order. (Dassl lists with {@code os.listdir}, whose order the file system decides.)
   */
  static List<Path> images(Path dir) {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (!name.startsWith(".") && isImageName(name) && Files.isRegularFile(p)) {
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw new DatasetException(dir, "cannot list: " + e.getMessage(), e);
    }
    names.sort(PYTHON_ORDER);
    return names.stream().map(dir::resolve).toList();
  }

  static boolean isImageName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return EXTENSIONS.stream().anyMatch(lower::endsWith);
  }

  /**
   * Resolves a path from a split file against the image folder.
   *
   * @param where the file and entry, for the message
   * @throws DatasetException if the path is empty, absolute, or leaves the image folder
   */
  static Path resolve(Path imageRoot, String relative, Object where) {
    if (relative.isEmpty()) {
      throw new DatasetException(where, "image path is empty");
    }
    Path rel;
    try {
      rel = imageRoot.getFileSystem().getPath(relative);
    } catch (RuntimeException e) {
      throw new DatasetException(where, "image path '" + relative + "' is not a valid path: " + e.getMessage(), e);
    }
    if (rel.isAbsolute() || relative.startsWith("/") || relative.startsWith("\\")) {
      throw new DatasetException(where, "image path '" + relative + "' is absolute; expected a path relative to "
          + imageRoot);
    }
    Path resolved = imageRoot.resolve(rel).normalize();
    if (!resolved.startsWith(imageRoot.normalize())) {
      throw new DatasetException(where, "image path '" + relative + "' leaves the image folder " + imageRoot);
    }
    return resolved;
  }

  /**
   * Checks that every listed image is a file.
   *
   * @param splitFile the file that lists the images, for the message
   * @param imageRoot the folder the paths are relative to
   * @param relative the listed paths, relative to {@code imageRoot}
   * @param resolved the same paths resolved
   * @throws MissingImagesException naming how many are missing and the first few
   */
  static void requireExisting(Path splitFile, Path imageRoot, List<String> relative, List<Path> resolved) {
    boolean[] missing = new boolean[resolved.size()];
    IntStream.range(0, resolved.size()).parallel().forEach(i -> missing[i] = !Files.isRegularFile(resolved.get(i)));
    List<String> examples = new ArrayList<>();
    int count = 0;
    for (int i = 0; i < missing.length; i++) {
      if (missing[i]) {
        count++;
        if (examples.size() < MissingImagesException.SHOWN) {
          examples.add(relative.get(i));
        }
      }
    }
    if (count > 0) {
      throw new MissingImagesException(splitFile, imageRoot, count, resolved.size(), examples);
    }
  }
}
