package org.ckcoop.eval.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A test-only ImageNet variant of the CoOp layout: ImageNetV2 (class folders {@code 0..n-1}, label =
 * folder number, names in {@code classnames.txt} order), ImageNet-Sketch, ImageNet-A and ImageNet-R
 * ({@code <wnid>} folders; label = index of the sorted folder, so A and R get their 200-class subset).
 * Class names come from the variant's {@code classnames.txt} (CoOp asks to copy ImageNet's there), or
 * from {@code imagenet/classnames.txt} when the variant has none.
 */
final class ImageNetVariantReader implements DatasetReader {
  private final String name;
  private final List<String> aliases;
  private final String folder;
  private final String imageDir;
  private final boolean numberedFolders;
  private final String summary;

  private ImageNetVariantReader(String name, List<String> aliases, String folder, String imageDir,
      boolean numberedFolders, String summary) {
    this.name = name;
    this.aliases = aliases;
    this.folder = folder;
    this.imageDir = imageDir;
    this.numberedFolders = numberedFolders;
    this.summary = summary;
  }

  static ImageNetVariantReader v2() {
    return new ImageNetVariantReader("ImageNetV2", List.of("imagenet-v2"), "imagenetv2",
        "imagenetv2-matched-frequency-format-val", true, "ImageNetV2 matched-frequency (test only, 1000 classes)");
  }

  static ImageNetVariantReader sketch() {
    return new ImageNetVariantReader("ImageNetSketch", List.of(), "imagenet-sketch", "images", false,
        "ImageNet-Sketch (test only, 1000 classes)");
  }

  static ImageNetVariantReader adversarial() {
    return new ImageNetVariantReader("ImageNetA", List.of("imagenet-adversarial"), "imagenet-adversarial",
        "imagenet-a", false, "ImageNet-A (test only, 200 classes)");
  }

  static ImageNetVariantReader rendition() {
    return new ImageNetVariantReader("ImageNetR", List.of("imagenet-rendition"), "imagenet-rendition", "imagenet-r",
        false, "ImageNet-R (test only, 200 classes)");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<String> aliases() {
    return aliases;
  }

  @Override
  public String description() {
    return summary + "; " + folder + "/" + imageDir + "/" + (numberedFolders ? "<0..999>/" : "<wnid>/")
        + ", names from " + folder + "/classnames.txt";
  }

  @Override
  public ZeroShotTemplate template() {
    return ZeroShotTemplate.PHOTO;
  }

  @Override
  public boolean testOnly() {
    return true;
  }

  @Override
  public DatasetSplits read(DatasetLocation location) {
    Path home = ImageFiles.requireFolder(location.root().resolve(folder),
        "the " + name + " folder of the CoOp DATA layout, with " + imageDir + "/ and classnames.txt");
    Path images = ImageFiles.requireFolder(home.resolve(imageDir), name + "'s images in class folders");
    Path namesFile = home.resolve("classnames.txt");
    if (!Files.isRegularFile(namesFile)) {
      Path shared = location.root().resolve(ImageNetReader.FOLDER).resolve("classnames.txt");
      if (!Files.isRegularFile(shared)) {
        throw new DatasetException(namesFile, "no such file, and no " + shared + " either (expected ImageNet's "
            + "class names, one '<wnid> <class name>' line per class; CoOp copies imagenet/classnames.txt here)");
      }
      namesFile = shared;
    }
    Map<String, String> names = WnidClassNames.read(namesFile);
    List<String> folders = new ArrayList<>();
    List<String> classNames = new ArrayList<>();
    if (numberedFolders) {
      int label = 0;
      for (String className : names.values()) {
        String numbered = Integer.toString(label++);
        ImageFiles.requireFolder(images.resolve(numbered), "the images of class " + numbered + " ('" + className
            + "'); " + name + " has one numbered folder per line of " + namesFile);
        folders.add(numbered);
        classNames.add(className);
      }
    } else {
      folders.addAll(ImageFiles.subfolders(images));
      if (folders.isEmpty()) {
        throw new DatasetException(images, "has no class folders; expected one <wnid> folder per class");
      }
      for (String wnid : folders) {
        String className = names.get(wnid);
        if (className == null) {
          throw new DatasetException(namesFile, "has no line for class folder '" + wnid + "' of " + images);
        }
        classNames.add(className);
      }
    }
    return DatasetSplits.builder(name).home(home).imageRoot(images).classNames(classNames)
        .test(FolderClasses.read(images, folders, classNames)).template(template()).build();
  }

  @Override
  public String toString() {
    return name;
  }
}
