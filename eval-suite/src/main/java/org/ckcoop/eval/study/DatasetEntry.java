package org.ckcoop.eval.study;

import org.ckcoop.core.config.Setting;
import org.ckcoop.eval.data.ZeroShotTemplate;

/**
 * One {@code datasets.<id>.*} section of an experiment file: a dataset a study trains or tests on. The
 * id is the experiment's own name for it (lower snake case); runs name it in {@code study.datasets}
 * and {@code study.targets}.
 *
 * @param name the dataset's reader, e.g. {@code EuroSAT}, {@code ImageNetV2}, {@code image-folder}
 * @param root the CoOp {@code DATA} folder (for {@code image-folder} and {@code split-file}: the
 *     dataset's own folder); relative to the experiment file's folder; machine-local
 * @param splitFile the split JSON of a {@code split-file} dataset, relative to {@code root}; machine-local
 * @param template a zero-shot template replacing the dataset's own ({@code {}} for the class name)
 */
public record DatasetEntry(
    @Setting(description = "the dataset, e.g. EuroSAT, ImageNet, image-folder, split-file", defaultValue = "") String name,
    @Setting(description = "the CoOp DATA folder (image-folder, split-file: the dataset's folder)", defaultValue = "",
        local = true)
        String root,
    @Setting(description = "the split JSON of a split-file dataset, relative to root", defaultValue = "", local = true)
        String splitFile,
    @Setting(description = "zero-shot template replacing the dataset's own, with {} for the class name",
        defaultValue = "")
        String template) {

  /**
   * Checks the template.
   *
   * @throws IllegalArgumentException if the template is set and does not contain {@code {}} exactly once
   */
  public DatasetEntry {
    if (!template.isEmpty()) {
      new ZeroShotTemplate(template);
    }
  }
}
