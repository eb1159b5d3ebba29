package org.ckcoop.baselines.zsclip;

import java.util.List;
import org.ckcoop.core.config.Setting;

/**
 * Zero-shot CLIP's settings ({@code learner.zsclip.*}). The defaults give CoOp's {@code ZeroshotCLIP}:
 * the dataset's template alone. Listing templates gives an ensemble ({@code ZeroshotCLIP2} lists CLIP's
 * seven selected ImageNet templates and adds the dataset's).
 *
 * @param templates further templates with {@code {}} for the class name, averaged with the dataset's
 *     template (list elements cannot contain a comma: the config reads ',' as a separator)
 * @param useDatasetTemplate whether the dataset's template is one of the prompts
 */
public record ZsClipSettings(
    @Setting(description = "further templates with {} for the class name, ensembled with the dataset's (no ',' inside)",
        defaultValue = "") List<String> templates,
    @Setting(description = "include the dataset's template in the ensemble", defaultValue = "true")
        boolean useDatasetTemplate) {

  /** Copies the list. */
  public ZsClipSettings {
    templates = List.copyOf(templates);
  }
}
