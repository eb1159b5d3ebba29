package org.ckcoop.world.dataset;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.ckcoop.world.render.RenderStyle;
import org.ckcoop.world.render.SceneRequest;

/**
 * How one world dataset is drawn: its label space, the one style all its images share, its default
 * zero-shot template, its role and how many images each class has per part.
 *
 * @param name the dataset's name and folder, e.g. {@code world_objects}
 * @param axis the label space
 * @param style the style of every image
 * @param template the default zero-shot template ({@code {}} marks the class name)
 * @param role whether the dataset has train and val parts
 * @param variantOf for a domain variant, the dataset whose classes it shares
 * @param perClass images per class in each part
 * @param description one line for listings
 */
public record DatasetRecipe(String name, ClassAxis axis, RenderStyle style, String template, DatasetRole role,
    Optional<String> variantOf, PartCounts perClass, String description) {

  /**
   * Checks the recipe.
   *
   * @throws IllegalArgumentException if the name is not a plain folder name, the template does not
   *     hold {@code {}} exactly once, a test-only dataset has train or val images, a training dataset
   *     has none, or there are no test images
   */
  public DatasetRecipe {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(axis, "axis");
    Objects.requireNonNull(style, "style");
    Objects.requireNonNull(template, "template");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(variantOf, "variantOf");
    Objects.requireNonNull(perClass, "perClass");
    Objects.requireNonNull(description, "description");
    if (!name.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException("dataset name '" + name + "' must be lower-case letters, digits and _");
    }
    int first = template.indexOf("{}");
    if (first < 0 || template.indexOf("{}", first + 1) >= 0) {
      throw new IllegalArgumentException(name + ": template '" + template + "' must contain {} exactly once");
    }
    if (role == DatasetRole.TEST_ONLY && (perClass.train() > 0 || perClass.val() > 0)) {
      throw new IllegalArgumentException(name + ": a test-only dataset has no train or val images");
    }
    if (role == DatasetRole.TRAIN && (perClass.train() == 0 || perClass.val() == 0)) {
      throw new IllegalArgumentException(name + ": a training dataset needs train and val images");
    }
    if (perClass.test() == 0) {
      throw new IllegalArgumentException(name + ": needs test images");
    }
  }

  /** Returns this recipe with other per-class counts (smaller worlds for tests). */
  public DatasetRecipe withPerClass(PartCounts counts) {
    return new DatasetRecipe(name, axis, style, template, role, variantOf, counts, description);
  }

  /** Returns the class names in label order. */
  public List<String> classNames() {
    return axis.classNames();
  }

  /** Returns the scene request of class {@code label}: its attribute and this dataset's style fixed. */
  public SceneRequest request(int label) {
    return axis.request(SceneRequest.any().withStyle(style), label);
  }

  /** Returns the file name of the split JSON, CoOp's {@code split_zhou_<name>.json}. */
  public String splitFileName() {
    return "split_zhou_" + name + ".json";
  }
}
