package org.ckcoop.eval.data;

/**
 * What few-shot sampling does with a class that has fewer images than the shots asked for: the two
 * behaviours of Dassl's {@code generate_fewshot_dataset(..., repeat=...)}, whose default changed
 * between Dassl versions.
 */
public enum ShortClassPolicy {
  /**
   * Keep all of the class's images and draw nothing ({@code repeat=False}, the default of current
   * Dassl.pytorch and of the brief's protocol).
   */
  KEEP_ALL,
  /**
   * Draw {@code shots} images with replacement, {@code random.choices(items, k=shots)}
   * ({@code repeat=True}, the default in older Dassl.pytorch, e.g. commit 27eb2f4).
   */
  REPEAT
}
