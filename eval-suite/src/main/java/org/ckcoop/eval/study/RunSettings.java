package org.ckcoop.eval.study;

import java.util.List;
import org.ckcoop.core.config.Setting;

/**
 * The {@code run.*} settings: where a run sits in its study. The study runner sets them for each run
 * (an experiment file or {@code --set} may not); they are part of the run's config hash, so two runs
 * that differ in protocol, dataset, targets or shots never share an identity.
 *
 * @param protocol the protocol
 * @param dataset the training dataset's id
 * @param targets the target datasets' ids (cross-dataset, domain-generalization)
 * @param shots shots per class of the training split
 */
public record RunSettings(
    @Setting(description = "the protocol (set by the study)", defaultValue = "base2new") Protocol protocol,
    @Setting(description = "the training dataset's id (set by the study)", defaultValue = "") String dataset,
    @Setting(description = "the target datasets' ids (set by the study)", defaultValue = "") List<String> targets,
    @Setting(description = "shots per class (set by the study)", defaultValue = "16", min = 0) int shots) {

  /** Copies the list. */
  public RunSettings {
    targets = List.copyOf(targets);
  }
}
