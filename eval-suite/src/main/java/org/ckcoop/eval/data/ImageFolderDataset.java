package org.ckcoop.eval.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The generic {@code image-folder} dataset: one sub-folder per class, named by its class, label =
 * index of the sorted folder name. Two layouts:
 *
 * <ul>
 *   <li>{@code root/train/<class>/}, optionally {@code root/val/<class>/} and {@code root/test/<class>/}:
 *       the class list is the training folders (the test folders when there is no {@code train/}); a
 *       class folder of val or test that is not in it is an error;
 *   <li>otherwise {@code root/<class>/}: every image is a test image (a test-only dataset, for
 *       cross-dataset evaluation).
 * </ul>
 *
 * Folder names are the class names as they are; underscores become spaces in prompts.
 */
final class ImageFolderDataset implements DatasetReader {

  @Override
  public String name() {
    return "image-folder";
  }

  @Override
  public List<String> aliases() {
    return List.of("imagefolder", "folder");
  }

  @Override
  public String description() {
    return "any folder of class sub-folders (root/<class>/ for a test-only dataset, or root/{train,val,test}/<class>/)";
  }

  @Override
  public ZeroShotTemplate template() {
    return ZeroShotTemplate.PHOTO;
  }

  @Override
  public DatasetSplits read(DatasetLocation location) {
    Path root = ImageFiles.requireFolder(location.root(), "a folder of class sub-folders, or of train/, val/, test/");
    String name = root.getFileName() == null ? name() : root.getFileName().toString();
    DatasetSplits.Builder builder = DatasetSplits.builder(name).home(root).imageRoot(root).template(template());
    boolean split = Files.isDirectory(root.resolve("train")) || Files.isDirectory(root.resolve("test"));
    if (!split) {
      List<String> classes = classFolders(root);
      return builder.classNames(classes).test(FolderClasses.read(root, classes, classes)).build();
    }
    Path listing = Files.isDirectory(root.resolve("train")) ? root.resolve("train") : root.resolve("test");
    List<String> classes = classFolders(listing);
    Set<String> known = new HashSet<>(classes);
    builder.classNames(classes);
    for (SplitPart part : SplitPart.values()) {
      Path dir = root.resolve(part.key());
      if (!Files.isDirectory(dir)) {
        continue;
      }
      List<String> folders = ImageFiles.subfolders(dir);
      for (String folder : folders) {
        if (!known.contains(folder)) {
          throw new DatasetException(dir.resolve(folder), "unknown class: '" + folder + "' is not a class folder of "
              + listing + " (the class list)");
        }
      }
      builder.part(part, FolderClasses.readPresent(dir, classes, classes));
    }
    return builder.build();
  }

  private static List<String> classFolders(Path dir) {
    List<String> classes = ImageFiles.subfolders(dir);
    if (classes.isEmpty()) {
      throw new DatasetException(dir, "has no class folders; expected one sub-folder of images per class");
    }
    return classes;
  }

  @Override
  public String toString() {
    return name();
  }
}
