package org.ckcoop.eval.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The datasets a run can name in {@code dataset.name}.
 *
 * <p>The built-in readers are one explicit list, {@link #BUILT_IN_NAMES}, constructed here: nothing
 * registers itself as a side effect of being loaded, so a dataset cannot go missing because some
 * import was forgotten (the failure mode of Dassl's decorator registries), and the list is what
 * {@code ckcoop} shows. Readers from other jars come through {@link ServiceLoader} with
 * {@link #discover()}, the mechanism learner plugins use, so a new dataset needs no change here. Two
 * readers claiming one name are a build mistake and fail at once.
 *
 * <p>Names match ignoring case, {@code -}, {@code _} and spaces, and aliases count:
 * {@code oxford_pets} finds {@code OxfordPets}, {@code dtd} finds {@code DescribableTextures},
 * {@code imagenet-a} finds {@code ImageNetA}.
 */
public final class DatasetRegistry {
  /** The built-in datasets, in listing order. */
  public static final List<String> BUILT_IN_NAMES = List.of(
      "ImageNet", "Caltech101", "OxfordPets", "StanfordCars", "OxfordFlowers", "Food101", "FGVCAircraft",
      "SUN397", "DescribableTextures", "EuroSAT", "UCF101",
      "ImageNetV2", "ImageNetSketch", "ImageNetA", "ImageNetR",
      "image-folder", "split-file");

  private final Map<String, DatasetReader> byKey = new LinkedHashMap<>();
  private final List<DatasetReader> readers = new ArrayList<>();

  private DatasetRegistry(List<DatasetReader> readers) {
    for (DatasetReader reader : readers) {
      add(reader);
    }
  }

  private void add(DatasetReader reader) {
    List<String> names = new ArrayList<>();
    names.add(reader.name());
    names.addAll(reader.aliases());
    for (String name : names) {
      DatasetReader other = byKey.putIfAbsent(key(name), reader);
      if (other != null && other != reader) {
        throw new IllegalStateException("dataset name '" + name + "' is claimed by both " + other.getClass().getName()
            + " (" + other.name() + ") and " + reader.getClass().getName() + " (" + reader.name() + ")");
      }
    }
    readers.add(reader);
  }

  /** Returns the registry of the built-in datasets only. */
  public static DatasetRegistry builtIn() {
    return new DatasetRegistry(builtInReaders());
  }

  /** Returns the built-in datasets plus every {@link DatasetReader} that {@link ServiceLoader} finds. */
  public static DatasetRegistry discover() {
    List<DatasetReader> all = new ArrayList<>(builtInReaders());
    ServiceLoader.load(DatasetReader.class).forEach(all::add);
    return new DatasetRegistry(all);
  }

  /** Returns a registry of the given readers (for tests and embedding). */
  public static DatasetRegistry of(List<? extends DatasetReader> readers) {
    return new DatasetRegistry(List.copyOf(readers));
  }

  private static List<DatasetReader> builtInReaders() {
    List<DatasetReader> list = List.of(
        new ImageNetReader(),
        new CoopSplitDataset("Caltech101", List.of("caltech-101"), "caltech-101", "101_ObjectCategories",
            "a photo of a {}.", ClassNameCleaning.CALTECH101, "Caltech-101, 100 object classes"),
        new CoopSplitDataset("OxfordPets", List.of(), "oxford_pets", "images",
            "a photo of a {}, a type of pet.", ClassNameCleaning.OXFORD_PETS, "Oxford-IIIT Pets, 37 breeds"),
        new CoopSplitDataset("StanfordCars", List.of(), "stanford_cars", "",
            "a photo of a {}.", ClassNameCleaning.STANFORD_CARS, "Stanford Cars, 196 models"),
        new CoopSplitDataset("OxfordFlowers", List.of("flowers102"), "oxford_flowers", "jpg",
            "a photo of a {}, a type of flower.", ClassNameCleaning.NONE, "Oxford Flowers-102"),
        new CoopSplitDataset("Food101", List.of("food-101"), "food-101", "images",
            "a photo of {}, a type of food.", ClassNameCleaning.NONE, "Food-101"),
        new FgvcAircraftReader(),
        new CoopSplitDataset("SUN397", List.of(), "sun397", "SUN397",
            "a photo of a {}.", ClassNameCleaning.SUN397, "SUN397 scenes"),
        new CoopSplitDataset("DescribableTextures", List.of("dtd"), "dtd", "images",
            "{} texture.", ClassNameCleaning.NONE, "Describable Textures, 47 classes"),
        new CoopSplitDataset("EuroSAT", List.of(), "eurosat", "2750",
            "a centered satellite photo of {}.", ClassNameCleaning.EUROSAT, "EuroSAT RGB, 10 land-use classes"),
        new CoopSplitDataset("UCF101", List.of("ucf-101"), "ucf101", "UCF-101-midframes",
            "a photo of a person doing {}.", ClassNameCleaning.UCF101, "UCF101 action mid-frames, 101 actions"),
        ImageNetVariantReader.v2(),
        ImageNetVariantReader.sketch(),
        ImageNetVariantReader.adversarial(),
        ImageNetVariantReader.rendition(),
        new ImageFolderDataset(),
        new SplitFileDataset());
    if (!list.stream().map(DatasetReader::name).toList().equals(BUILT_IN_NAMES)) {
      throw new IllegalStateException("BUILT_IN_NAMES is out of date");
    }
    return list;
  }

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[-_ ]", "");
  }

  /** Returns the datasets' names, built-in first, in listing order. */
  public List<String> names() {
    return readers.stream().map(DatasetReader::name).toList();
  }

  /** Returns every reader, in listing order. */
  public List<DatasetReader> readers() {
    return List.copyOf(readers);
  }

  /**
   * Returns the reader of a dataset.
   *
   * @param name a dataset name or alias, matched ignoring case, {@code -}, {@code _} and spaces
   * @throws DatasetException naming {@code dataset.name} and listing the known datasets if none matches
   */
  public DatasetReader reader(String name) {
    DatasetReader reader = byKey.get(key(name));
    if (reader == null) {
      throw new DatasetException("dataset.name", (name.isBlank() ? "no dataset given" : "unknown dataset '" + name + "'")
          + " (known: " + String.join(", ", names()) + ")");
    }
    return reader;
  }
}
