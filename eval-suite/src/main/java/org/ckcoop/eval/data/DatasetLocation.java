package org.ckcoop.eval.data;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a reader finds a dataset.
 *
 * @param root for the field's datasets, the CoOp {@code DATA} folder that holds {@code oxford_pets/},
 *     {@code imagenet/} and the others; for the generic {@code image-folder} and {@code split-file}
 *     datasets, the dataset's own folder
 * @param splitFile the split JSON of the {@code split-file} dataset (relative paths are resolved
 *     against {@code root}); ignored by the other readers
 */
public record DatasetLocation(Path root, Optional<Path> splitFile) {

  /** Normalises the paths. */
  public DatasetLocation {
    Path base = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    root = base;
    splitFile = Objects.requireNonNull(splitFile, "splitFile").map(f -> base.resolve(f).normalize());
  }

  /** Returns a location without a split file. */
  public static DatasetLocation of(Path root) {
    return new DatasetLocation(root, Optional.empty());
  }

  /** Returns a location with a split file (for the {@code split-file} dataset). */
  public static DatasetLocation of(Path root, Path splitFile) {
    return new DatasetLocation(root, Optional.of(splitFile));
  }
}
