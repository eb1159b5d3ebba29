package org.ckcoop.eval.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.ckcoop.eval.data.DasslPickleFile.PickledDatum;

/**
 * CoOp's own few-shot cache: the subsets a CoOp (Dassl) run trained on, so a ckcoop run can train on
 * exactly the same images in the same order.
 *
 * <p>CoOp's readers of ImageNet and of the ten split-file datasets write, on first use,
 * {@code <dataset folder>/split_fewshot/shot_<K>-seed_<S>.pkl} ({@link #file}) with
 * {@code pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)}: {@code data = {"train": train}} for
 * ImageNet (no val part) and {@code {"train": train, "val": val}} for the others, each a list of
 * {@code dassl.data.datasets.base_dataset.Datum} whose {@code _impath} is the absolute path on the
 * machine that wrote it. The file is read with {@link DasslPickleFile} (an allow-list unpickler).
 *
 * <p>Each item is mapped onto this machine's dataset by its path relative to the dataset's image
 * folder: the part of {@code _impath} after the last {@code <dataset folder>/<image folder>/}
 * ({@code imagenet/images/} for ImageNet, whose items are {@code train/<wnid>/<file>};
 * {@code oxford_pets/images/} for OxfordPets; {@code stanford_cars/} where the images are in the
 * dataset folder itself), which CoOp's readers always put there. {@code \} separators (a cache
 * written on Windows) count as {@code /}. The item must then be an image of the dataset's
 * corresponding part with the same label; anything else is a {@link DatasetException} naming the
 * pickle and the item. The class name and domain of an item are not compared: the label is the class.
 *
 * <p>ImageNet's {@code preprocessed.pkl} (the full train/test lists in the writing machine's
 * {@code os.listdir} order) is not read: a few-shot run trains on the few-shot cache's items, which do
 * not depend on it, and reading 1.28 million pickled objects to re-order a list ckcoop sorts would
 * only matter for shots and seeds that CoOp never ran on that machine.
 */
final class DasslFewShotCache {
  /** The cache folder inside the dataset's folder, CoOp's {@code split_fewshot_dir}. */
  static final String FOLDER = "split_fewshot";

  /**
   * The items of a cache, mapped onto the dataset.
   *
   * @param file the pickle
   * @param sha256 the pickle's SHA-256
   * @param train the training items, in the pickle's order
   * @param val the val items, in the pickle's order (empty for a dataset without a val part)
   */
  record Items(Path file, String sha256, List<Datum> train, List<Datum> val) {}

  private DasslFewShotCache() {}

  /** Returns CoOp's cache file of a split: {@code <home>/split_fewshot/shot_<K>-seed_<S>.pkl}. */
  static Path file(DatasetSplits full, int shots, long seed) {
    return full.home().resolve(FOLDER).resolve("shot_" + shots + "-seed_" + seed + ".pkl");
  }

  /** Returns the cache file of a split if the dataset is one CoOp caches and the file exists. */
  static Optional<Path> find(DatasetSplits full, int shots, long seed) {
    if (!full.coopFewShotCache() || shots < 1) {
      return Optional.empty();
    }
    Path file = file(full, shots, seed);
    return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
  }

  /**
   * Reads a cache file and maps its items onto {@code full}.
   *
   * @throws DatasetException naming the pickle (and the item) if it is not a pickle of CoOp's
   *     structure, names a global other than Dassl's {@code Datum}, or holds an item whose image is
   *     not in the dataset's part or whose label is not the dataset's
   */
  static Items read(Path file, DatasetSplits full) {
    DasslPickleFile.Contents contents = DasslPickleFile.read(file);
    boolean hasVal = !full.val().isEmpty();
    String expected = "a dict {\"train\": [Datum, ...]" + (hasVal ? ", \"val\": [Datum, ...]" : "")
        + "} as CoOp's " + full.name() + " reader writes";
    if (!(contents.root() instanceof Map<?, ?> root)) {
      throw new DatasetException(file, "is not a CoOp few-shot cache: it holds a "
          + DasslPickleFile.typeName(contents.root()) + ", expected " + expected);
    }
    TreeSet<String> keys = new TreeSet<>();
    root.keySet().forEach(k -> keys.add(String.valueOf(k)));
    TreeSet<String> wanted = new TreeSet<>(hasVal ? List.of("train", "val") : List.of("train"));
    if (!keys.equals(wanted)) {
      throw new DatasetException(file, "is not a CoOp few-shot cache of " + full.name() + ": its dict has the keys "
          + keys + ", expected " + wanted + " (" + expected + ")");
    }
    String anchor = anchor(full);
    List<Datum> train = items(file, full, SplitPart.TRAIN, root.get("train"), anchor, expected);
    List<Datum> val = hasVal ? items(file, full, SplitPart.VAL, root.get("val"), anchor, expected) : List.of();
    if (train.isEmpty()) {
      throw new DatasetException(file, "holds no training items (\"train\" is an empty list)");
    }
    return new Items(file, contents.sha256(), train, val);
  }

  /** Returns {@code <dataset folder>/<image folder>/}, the part of an {@code _impath} before the relative path. */
  static String anchor(DatasetSplits full) {
    String inside = DatasetSplits.relativePath(full.home(), full.imageRoot());
    return full.home().getFileName() + "/" + (inside.isEmpty() ? "" : inside + "/");
  }

  private static List<Datum> items(Path file, DatasetSplits full, SplitPart part, Object value, String anchor,
      String expected) {
    if (!(value instanceof List<?> list)) {
      throw new DatasetException(file, "is not a CoOp few-shot cache: \"" + part.key() + "\" is a "
          + DasslPickleFile.typeName(value) + ", expected " + expected);
    }
    Map<String, Datum> byPath = new HashMap<>();
    for (Datum d : full.part(part)) {
      byPath.putIfAbsent(full.relativePath(d), d);
    }
    List<Datum> data = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      String item = file + " item " + part.key() + "[" + i + "]";
      if (!(list.get(i) instanceof PickledDatum pickled)) {
        throw new DatasetException(item, "is a " + DasslPickleFile.typeName(list.get(i)) + ", expected a "
            + DasslPickleFile.DATUM_CLASS);
      }
      if (!(pickled.get("_impath") instanceof String impath) || !(pickled.get("_label") instanceof Integer label)) {
        throw new DatasetException(item, "is not a Dassl Datum with a str _impath and an int _label: " + pickled);
      }
      item += " ('" + impath + "')";
      String path = impath.replace('\\', '/');
      int at = path.lastIndexOf("/" + anchor);
      String relative;
      if (at >= 0) {
        relative = path.substring(at + 1 + anchor.length());
      } else if (path.startsWith(anchor)) {
        relative = path.substring(anchor.length());
      } else {
        throw new DatasetException(item, "is not under '" + anchor + "'; CoOp writes <DATA>/" + anchor
            + "<path in the image folder>, which is mapped onto " + full.imageRoot());
      }
      Datum d = byPath.get(relative);
      Path local = full.imageRoot().resolve(relative).normalize();
      if (d == null) {
        throw new DatasetException(item, Files.exists(local)
            ? "names " + local + ", which is not an image of " + full.name() + "'s " + part.key() + " part"
            : "names an image that is not under the dataset root: no file " + local + " (the cache was written for "
                + "other data, or images are missing here)");
      }
      if (d.label() != label) {
        throw new DatasetException(item, "has label " + label + " (" + className(pickled) + "), but " + local
            + " has label " + d.label() + " ('" + d.className() + "') in " + full.name() + "'s class list; the cache "
            + "was written for another class list");
      }
      data.add(d);
    }
    return data;
  }

  private static String className(PickledDatum pickled) {
    Object name = pickled.get("_classname");
    return name instanceof String s ? "'" + s + "'" : "no class name";
  }
}
