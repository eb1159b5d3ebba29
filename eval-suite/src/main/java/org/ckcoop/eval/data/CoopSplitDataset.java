package org.ckcoop.eval.data;

import java.nio.file.Path;
import java.util.List;

/**
 * A dataset of the CoOp {@code DATA} layout read from its {@code split_zhou_<Name>.json}: Caltech101,
 * OxfordPets, StanfordCars, OxfordFlowers, Food101, SUN397, DescribableTextures, EuroSAT, UCF101.
 * The split file sits in the dataset's folder; its paths are relative to the dataset's image folder.
 * CoOp caches these datasets' few-shot subsets in {@code split_fewshot/}, which {@link SplitStore}
 * reads when present ({@link DasslFewShotCache}).
 */
final class CoopSplitDataset implements DatasetReader {
  private final String name;
  private final List<String> aliases;
  private final String folder;
  private final String imageDir;
  private final String splitFile;
  private final ZeroShotTemplate template;
  private final ClassNameCleaning cleaning;
  private final String summary;

  /**
   * @param folder the dataset's folder under the DATA root, e.g. {@code oxford_pets}
   * @param imageDir the image folder inside it, e.g. {@code images} (empty: the dataset folder itself)
   * @param summary what the dataset is, e.g. {@code Oxford-IIIT Pets, 37 breeds}
   */
  CoopSplitDataset(String name, List<String> aliases, String folder, String imageDir, String template,
      ClassNameCleaning cleaning, String summary) {
    this.name = name;
    this.aliases = List.copyOf(aliases);
    this.folder = folder;
    this.imageDir = imageDir;
    this.splitFile = "split_zhou_" + name + ".json";
    this.template = new ZeroShotTemplate(template);
    this.cleaning = cleaning;
    this.summary = summary;
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
    return summary + "; " + folder + "/" + splitFile + ", images in " + folder + "/" + imageDir;
  }

  @Override
  public ZeroShotTemplate template() {
    return template;
  }

  @Override
  public ClassNameCleaning cleaning() {
    return cleaning;
  }

  @Override
  public DatasetSplits read(DatasetLocation location) {
    Path home = ImageFiles.requireFolder(location.root().resolve(folder),
        "the " + name + " folder of the CoOp DATA layout, holding " + splitFile + " (see CoOp's DATASETS.md)");
    Path imageRoot = imageDir.isEmpty() ? home : home.resolve(imageDir);
    return SplitJsonFile.read(new SplitJsonFile.Spec(name, home.resolve(splitFile), home, imageRoot, template,
        cleaning, true)).toBuilder().coopFewShotCache(true).build();
  }

  @Override
  public String toString() {
    return name;
  }
}
