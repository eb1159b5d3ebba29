package org.ckcoop.backbone.prompts;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Token embeddings of sequences whose first positions are one tensor per group of sequences, for a
 * text-tower pass that computes those positions once per group instead of once per sequence. Under
 * CLIP's causal mask a position sees only the positions before it, so the hidden states of a shared
 * prefix are the same in every sequence of its group: CoOp-style prompts
 * {@code [SOT | context | class name . EOT]} share {@code [SOT | context]} across all classes (CoCoOp:
 * across the classes of one image). The result equals the one for the assembled sequences up to
 * floating-point rounding, and so do the gradients (a shared row's gradient is the sum over the
 * group, as the broadcast of a shared context gives).
 *
 * @param prefix [G, P, width]: positions {@code 0..P-1}, one row per group
 * @param rest [G * R, S, width]: positions {@code P..P+S-1} of every sequence, group-major (sequence
 *     {@code i} continues prefix {@code i / R})
 * @param eotPositions per sequence, the absolute position of its EOT, in {@code [P, P + S)}
 */
public record SharedPrefixEmbeddings(NDArray prefix, NDArray rest, int[] eotPositions) {
  /** Checks the shapes and copies the positions. */
  public SharedPrefixEmbeddings {
    Shape p = prefix.getShape();
    Shape r = rest.getShape();
    if (p.dimension() != 3 || r.dimension() != 3 || p.get(2) != r.get(2) || p.get(0) == 0
        || r.get(0) % p.get(0) != 0) {
      throw new IllegalArgumentException("shared prefix " + p + " and rest " + r
          + " do not fit: expected (G, P, width) and (G * R, S, width)");
    }
    eotPositions = eotPositions.clone();
    if (eotPositions.length != r.get(0)) {
      throw new IllegalArgumentException(eotPositions.length + " EOT positions for " + r.get(0) + " sequences");
    }
    for (int i = 0; i < eotPositions.length; i++) {
      if (eotPositions[i] < p.get(1) || eotPositions[i] >= p.get(1) + r.get(1)) {
        throw new IllegalArgumentException("EOT position " + eotPositions[i] + " of sequence " + i
            + " is outside the unshared positions [" + p.get(1) + ", " + (p.get(1) + r.get(1)) + ")");
      }
    }
  }

  /** Returns the number of groups G. */
  public int groups() {
    return Math.toIntExact(prefix.getShape().get(0));
  }

  /** Returns the number of sequences, G * R. */
  public int sequences() {
    return Math.toIntExact(rest.getShape().get(0));
  }

  /** Returns the shared length P. */
  public int prefixLength() {
    return Math.toIntExact(prefix.getShape().get(1));
  }

  /** Returns the length of the sequences, P + S. */
  public int length() {
    return prefixLength() + Math.toIntExact(rest.getShape().get(1));
  }

  @Override
  public int[] eotPositions() {
    return eotPositions.clone();
  }
}
