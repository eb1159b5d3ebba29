package org.ckcoop.eval.report;

import java.util.Optional;

/** The protocols a report knows how to tabulate, by the names run files record. */
public enum ReportProtocol {
  /** Train on the base half of the classes, test on base and new: Base / New / HM per dataset. */
  BASE2NEW("base2new", "base-to-new generalization"),
  /** Train on a source dataset, test on the full test sets of other datasets. */
  CROSS_DATASET("cross-dataset", "cross-dataset transfer"),
  /** Train on ImageNet, test on its shifted variants. */
  DOMAIN_GENERALIZATION("domain-generalization", "domain generalization"),
  /** Accuracy per dataset per number of shots. */
  FEW_SHOT("few-shot", "few-shot learning");

  private final String fileName;
  private final String title;

  ReportProtocol(String fileName, String title) {
    this.fileName = fileName;
    this.title = title;
  }

  /** Returns the name run files record ({@code RunResult.protocol}). */
  public String fileName() {
    return fileName;
  }

  /** Returns the human title used in table captions. */
  public String title() {
    return title;
  }

  /** Returns whether the protocol trains on one dataset and tests on others (a source column and a target average). */
  public boolean transfers() {
    return this == CROSS_DATASET || this == DOMAIN_GENERALIZATION;
  }

  /** Returns the protocol a run file names, if known. */
  public static Optional<ReportProtocol> fromFileName(String name) {
    for (ReportProtocol p : values()) {
      if (p.fileName.equals(name)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return fileName;
  }
}
