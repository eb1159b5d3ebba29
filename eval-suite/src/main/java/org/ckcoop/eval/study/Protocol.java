package org.ckcoop.eval.study;

import java.util.Locale;

/**
 * The evaluation protocols of the prompt-learning literature (CoOp, CoCoOp, KgCoOp).
 *
 * <ul>
 *   <li>{@link #BASE2NEW}: train on the base half of the classes (few-shot train split), test on the
 *       base classes and, with the same learned state and the new class names, on the new classes;
 *   <li>{@link #CROSS_DATASET}: train on one dataset with all its classes, test on its own test set and
 *       on other datasets' full test sets with their own class names;
 *   <li>{@link #DOMAIN_GENERALIZATION}: as cross-dataset, the targets being shifted variants of the
 *       source (ImageNet to ImageNetV2, -Sketch, -A, -R, each with its own class list);
 *   <li>{@link #FEW_SHOT}: train with K shots per class on all classes, test on the full test set.
 * </ul>
 */
public enum Protocol {
  /** Base-to-new generalisation. */
  BASE2NEW,
  /** Cross-dataset transfer. */
  CROSS_DATASET,
  /** Domain generalisation. */
  DOMAIN_GENERALIZATION,
  /** Few-shot learning. */
  FEW_SHOT;

  /** Returns the protocol's label in results and folders: {@code base2new}, {@code cross-dataset}, ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Returns true for the protocols that test on other datasets ({@code study.targets}). */
  public boolean transfer() {
    return this == CROSS_DATASET || this == DOMAIN_GENERALIZATION;
  }

  @Override
  public String toString() {
    return label();
  }
}
