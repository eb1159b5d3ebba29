package org.ckcoop.eval.study;

import java.nio.file.Path;
import org.ckcoop.eval.data.DatasetSettings;

/**
 * A dataset of a study: its id, its {@code datasets.<id>} settings and its root as an absolute path.
 *
 * @param id the experiment's id of the dataset
 * @param entry the {@code datasets.<id>.*} settings
 * @param root the root folder, resolved against the experiment file's folder
 */
public record StudyDataset(String id, DatasetEntry entry, Path root) {

  /** Returns the data layer's settings for reading the whole dataset ({@code shots} 0). */
  public DatasetSettings settings() {
    return new DatasetSettings(entry.name(), root.toString(), entry.splitFile(), 0, entry.template());
  }
}
