package org.ckcoop.eval.data;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One labelled image of a dataset: the image file, its 0-based label, the class name of that label
 * and, for datasets made of several domains, the domain it comes from. Dassl's {@code Datum}.
 *
 * @param image the image file, absolute and normalised
 * @param label the 0-based class label, an index into {@link DatasetSplits#classNames()}
 * @param className the class name of {@code label}, as prompts use it (cleaned; underscores are
 *     replaced by spaces only when a prompt is made, see {@link ZeroShotTemplate#prompt})
 * @param domain the domain of the image, if the dataset has domains
 */
public record Datum(Path image, int label, String className, Optional<String> domain) {

  /**
   * Checks and normalises the components.
   *
   * @throws IllegalArgumentException if the label is negative or the class name is blank
   */
  public Datum {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(className, "className");
    Objects.requireNonNull(domain, "domain");
    image = image.toAbsolutePath().normalize();
    if (label < 0) {
      throw new IllegalArgumentException(image + ": label must be >= 0, got " + label);
    }
    if (className.isBlank()) {
      throw new IllegalArgumentException(image + ": class name is blank");
    }
    if (domain.isPresent() && domain.get().isBlank()) {
      throw new IllegalArgumentException(image + ": domain is blank");
    }
  }

  /** Returns a datum without a domain. */
  public static Datum of(Path image, int label, String className) {
    return new Datum(image, label, className, Optional.empty());
  }

  /** Returns this datum with another label (base/new relabelling). */
  public Datum withLabel(int newLabel) {
    return new Datum(image, newLabel, className, domain);
  }
}
