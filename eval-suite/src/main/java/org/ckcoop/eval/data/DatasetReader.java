package org.ckcoop.eval.data;

import java.util.List;

/**
 * Reads one dataset from disk into {@link DatasetSplits}: the service interface a dataset
 * implements. The built-in readers are listed in {@link DatasetRegistry}; a reader in another jar is
 * found through {@link java.util.ServiceLoader} when it is named in
 * {@code META-INF/services/org.ckcoop.eval.data.DatasetReader}, and needs a public no-argument
 * constructor.
 *
 * <p>{@link #read} checks everything a run needs before any training starts: that files and folders
 * exist, that split files are well formed, that labels and class names agree across entries and with
 * the class list, and that every listed image is on disk. What is wrong throws
 * {@link DatasetException} (an {@link org.ckcoop.common.InputException}) naming the file and entry.
 */
public interface DatasetReader {

  /** Returns the dataset's name, Dassl's where it has one ({@code OxfordPets}, {@code DescribableTextures}). */
  String name();

  /** Returns other names the dataset is known by ({@code dtd}); matched like {@link #name()}. */
  default List<String> aliases() {
    return List.of();
  }

  /** Returns one line describing the dataset and what it reads, for listings and messages. */
  String description();

  /** Returns the dataset's zero-shot template (methods notes 6.5). */
  ZeroShotTemplate template();

  /** Returns how the dataset cleans its source's class names. */
  default ClassNameCleaning cleaning() {
    return ClassNameCleaning.NONE;
  }

  /** Returns true for datasets that have only a test part (ImageNetV2, -Sketch, -A, -R). */
  default boolean testOnly() {
    return false;
  }

  /**
   * Reads and checks the dataset.
   *
   * @throws DatasetException if a file or folder is missing or malformed, an entry is inconsistent,
   *     or listed images are missing ({@link MissingImagesException})
   */
  DatasetSplits read(DatasetLocation location);
}
