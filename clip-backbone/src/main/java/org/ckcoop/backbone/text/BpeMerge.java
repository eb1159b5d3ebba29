package org.ckcoop.backbone.text;

import java.util.Objects;

/**
 * One BPE merge rule: two adjacent symbols that become the symbol {@link #merged()}. A merge's
 * position in {@link BpeVocabulary#merges()} is its rank (lower merges first).
 *
 * @param left the left symbol, non-empty
 * @param right the right symbol, non-empty (the last symbol of a word carries {@code </w>})
 */
public record BpeMerge(String left, String right) {
  /** Checks that both symbols are non-empty. */
  public BpeMerge {
    Objects.requireNonNull(left, "left");
    Objects.requireNonNull(right, "right");
    if (left.isEmpty() || right.isEmpty()) {
      throw new IllegalArgumentException("merge symbols must not be empty: '" + left + "' '" + right + "'");
    }
  }

  /** The symbol that this merge produces: {@code left + right}. */
  public String merged() {
    return left + right;
  }

  /** The merge as a line of {@code merges.txt}: {@code "left right"}. */
  @Override
  public String toString() {
    return left + " " + right;
  }
}
