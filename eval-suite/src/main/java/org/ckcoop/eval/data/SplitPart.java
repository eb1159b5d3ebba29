package org.ckcoop.eval.data;

import java.util.Locale;

/** The three parts of a dataset split, named as in split files ({@code "train"}, {@code "val"}, {@code "test"}). */
public enum SplitPart {
  /** Training images (few-shot sampled for a run). */
  TRAIN,
  /** Validation images (few-shot sampled with {@code min(shots, 4)} per class). */
  VAL,
  /** Test images (always complete). */
  TEST;

  /** Returns the key used in split files: {@code train}, {@code val} or {@code test}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
