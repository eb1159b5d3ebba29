package org.ckcoop.eval.data;

import org.ckcoop.core.config.Setting;

/**
 * The {@code dataset.*} settings: which dataset a run reads, where, and how many shots per class.
 *
 * @param name the dataset (see {@link DatasetRegistry#BUILT_IN_NAMES}), e.g. {@code OxfordPets}
 * @param root the CoOp {@code DATA} folder; for {@code image-folder} and {@code split-file}, the dataset's folder
 *     (machine-local: not part of the config hash; the split's identity pins the data)
 * @param splitFile the split JSON of the {@code split-file} dataset (relative to {@code root})
 * @param shots training images per class; 0 keeps every image
 * @param template a zero-shot template that replaces the dataset's own; empty keeps it
 */
public record DatasetSettings(
    @Setting(description = "the dataset to read, e.g. OxfordPets, ImageNet, image-folder, split-file", defaultValue = "")
        String name,
    @Setting(description = "the CoOp DATA folder (for image-folder and split-file: the dataset's own folder)",
        defaultValue = "", local = true)
        String root,
    @Setting(description = "the split JSON of the split-file dataset, relative to dataset.root", defaultValue = "",
        local = true)
        String splitFile,
    @Setting(description = "training images per class (val gets min(shots, 4)); 0 keeps every image",
        defaultValue = "16", min = 0)
        int shots,
    @Setting(description = "zero-shot template replacing the dataset's own, with {} for the class name; empty keeps it",
        defaultValue = "")
        String template) {

  /**
   * Checks the template.
   *
   * @throws IllegalArgumentException if the template is set but does not contain {@code {}} exactly once
   */
  public DatasetSettings {
    if (template != null && !template.isEmpty()) {
      new ZeroShotTemplate(template);
    }
  }
}
