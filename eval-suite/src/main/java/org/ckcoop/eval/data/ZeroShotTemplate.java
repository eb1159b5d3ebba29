package org.ckcoop.eval.data;

import java.util.Objects;

/**
 * A dataset's zero-shot CLIP prompt, e.g. {@code "a photo of a {}, a type of pet."}, as CoOp's
 * {@code CUSTOM_TEMPLATES} define them (methods notes 6.5).
 *
 * @param text the template; {@code {}} marks the class name and occurs exactly once
 */
public record ZeroShotTemplate(String text) {
  /** The template of ImageNet, its variants, Caltech101, StanfordCars, SUN397 and of datasets without their own. */
  public static final ZeroShotTemplate PHOTO = new ZeroShotTemplate("a photo of a {}.");

  /**
   * Checks the template.
   *
   * @throws IllegalArgumentException if {@code {}} does not occur exactly once
   */
  public ZeroShotTemplate {
    Objects.requireNonNull(text, "text");
    int first = text.indexOf("{}");
    if (first < 0 || text.indexOf("{}", first + 1) >= 0) {
      throw new IllegalArgumentException("template '" + text + "' must contain '{}' exactly once");
    }
  }

  /**
   * Returns the prompt of a class, as CoOp's zero-shot CLIP makes it:
   * {@code template.format(classname.replace("_", " "))}.
   */
  public String prompt(String className) {
    return text.replace("{}", className.replace('_', ' '));
  }

  @Override
  public String toString() {
    return text;
  }
}
