package org.ckcoop.eval.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Images stored one folder per class. */
final class FolderClasses {
  private FolderClasses() {}

  /**
   * Reads the images of class folders.
   *
   * @param dir the folder holding the class folders
   * @param folders the class folders, in label order
   * @param classNames the class name of each label
   * @return the images, class by class in label order, each class's sorted by file name
   * @throws DatasetException if a class folder holds no images
   */
  static List<Datum> read(Path dir, List<String> folders, List<String> classNames) {
    return read(dir, folders, classNames, false);
  }

  /**
   * Reads the images of the class folders that exist in {@code dir} (a part that lacks some classes).
   *
   * @throws DatasetException if a class folder holds no images
   */
  static List<Datum> readPresent(Path dir, List<String> folders, List<String> classNames) {
    return read(dir, folders, classNames, true);
  }

  private static List<Datum> read(Path dir, List<String> folders, List<String> classNames, boolean skipAbsent) {
    List<Datum> data = new ArrayList<>();
    for (int label = 0; label < folders.size(); label++) {
      Path classDir = dir.resolve(folders.get(label));
      if (skipAbsent && !Files.isDirectory(classDir)) {
        continue;
      }
      List<Path> images = ImageFiles.images(classDir);
      if (images.isEmpty()) {
        throw new DatasetException(classDir, "holds no images (" + String.join(", ", ImageFiles.EXTENSIONS)
            + "); every class folder needs at least one");
      }
      for (Path image : images) {
        data.add(Datum.of(image, label, classNames.get(label)));
      }
    }
    return data;
  }
}
