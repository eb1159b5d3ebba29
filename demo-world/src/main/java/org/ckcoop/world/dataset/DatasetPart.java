package org.ckcoop.world.dataset;

/** The parts of a dataset, with the keys CoOp's split files use for them. */
public enum DatasetPart {
  /** Training images (few-shot subsets are drawn from these). */
  TRAIN("train"),
  /** Validation images. */
  VAL("val"),
  /** Test images. */
  TEST("test");

  private final String key;

  DatasetPart(String key) {
    this.key = key;
  }

  /** Returns the split file key ({@code "train"}, {@code "val"} or {@code "test"}). */
  public String key() {
    return key;
  }
}
