package org.ckcoop.eval.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ImageNet in the CoOp layout: {@code imagenet/images/train/<wnid>/} and
 * {@code imagenet/images/val/<wnid>/} (the official folders), class names from
 * {@code imagenet/classnames.txt}. Labels are the indices of the sorted wnid folders. As in CoOp, the
 * official val set is the test set, and there is no separate val part.
 *
 * <p>Images within a class folder are sorted by name. CoOp lists them with {@code os.listdir}
 * (directory order, which differs between file systems and machines), so ckcoop's sampled few-shot
 * subsets are not CoOp's; when CoOp's few-shot cache {@code imagenet/split_fewshot/shot_<K>-seed_<S>.pkl}
 * is present, {@link SplitStore} trains on its items instead ({@link DasslFewShotCache}).
 */
final class ImageNetReader implements DatasetReader {
  static final String FOLDER = "imagenet";

  @Override
  public String name() {
    return "ImageNet";
  }

  @Override
  public String description() {
    return "ImageNet-1k; imagenet/images/{train,val}/<wnid>/ (val is the test set), names from imagenet/classnames.txt";
  }

  @Override
  public ZeroShotTemplate template() {
    return ZeroShotTemplate.PHOTO;
  }

  @Override
  public DatasetSplits read(DatasetLocation location) {
    Path home = ImageFiles.requireFolder(location.root().resolve(FOLDER),
        "the ImageNet folder of the CoOp DATA layout, with images/train, images/val and classnames.txt");
    Path imageRoot = home.resolve("images");
    Path trainDir = ImageFiles.requireFolder(imageRoot.resolve("train"), "ImageNet's training images in <wnid> folders");
    Path valDir = ImageFiles.requireFolder(imageRoot.resolve("val"), "ImageNet's validation images in <wnid> folders");
    Path namesFile = ImageFiles.requireFile(home.resolve("classnames.txt"),
        "ImageNet's class names, one '<wnid> <class name>' line per class (CoOp's classnames.txt)");
    Map<String, String> names = WnidClassNames.read(namesFile);
    List<String> folders = ImageFiles.subfolders(trainDir);
    if (folders.isEmpty()) {
      throw new DatasetException(trainDir, "has no class folders; expected one <wnid> folder per class");
    }
    List<String> valFolders = ImageFiles.subfolders(valDir);
    if (!valFolders.equals(folders)) {
      Set<String> missing = new HashSet<>(folders);
      valFolders.forEach(missing::remove);
      Set<String> extra = new HashSet<>(valFolders);
      folders.forEach(extra::remove);
      throw new DatasetException(valDir, "class folders differ from images/train (missing: " + first(missing)
          + "; not in train: " + first(extra) + ")");
    }
    List<String> classNames = new ArrayList<>();
    for (String folder : folders) {
      String name = names.get(folder);
      if (name == null) {
        throw new DatasetException(namesFile, "has no line for class folder '" + folder + "' of " + trainDir);
      }
      classNames.add(name);
    }
    return DatasetSplits.builder(name()).home(home).imageRoot(imageRoot).classNames(classNames)
        .train(FolderClasses.read(trainDir, folders, classNames))
        .test(FolderClasses.read(valDir, folders, classNames))
        .template(template()).coopFewShotCache(true).build();
  }

  static String first(Set<String> names) {
    List<String> sorted = names.stream().sorted(ImageFiles.PYTHON_ORDER).limit(5).toList();
    return sorted.isEmpty() ? "none" : String.join(", ", sorted) + (names.size() > 5 ? ", ..." : "");
  }

  @Override
  public String toString() {
    return name();
  }
}
