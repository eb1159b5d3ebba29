package org.ckcoop.backbone.checkpoint;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * How one canonical weight is stored under a layout's own names: which stored tensors, with which
 * stored shapes, and how to combine them into the canonical tensor (and split it back for writing).
 */
record WeightRecipe(
    List<String> sourceNames,
    List<long[]> sourceShapes,
    Function<List<FloatTensor>, FloatTensor> combine,
    Function<FloatTensor, List<FloatTensor>> split) {

  /** Stored as is under {@code name}. */
  static WeightRecipe same(String name, long[] shape) {
    return new WeightRecipe(List.of(name), List.of(shape), parts -> parts.get(0), t -> List.of(t));
  }

  /** Stored transposed under {@code name} (a [out, in] Linear weight for a canonical [in, out]). */
  static WeightRecipe transposed(String name, long[] canonicalShape) {
    long[] stored = {canonicalShape[1], canonicalShape[0]};
    return new WeightRecipe(
        List.of(name), List.of(stored), parts -> parts.get(0).transpose(), t -> List.of(t.transpose()));
  }

  /** Stored as equal row blocks under several names (q, k, v for a fused in-projection). */
  static WeightRecipe rowBlocks(List<String> names, long[] canonicalShape) {
    long[] part = canonicalShape.clone();
    part[0] = canonicalShape[0] / names.size();
    return new WeightRecipe(
        names,
        names.stream().map(n -> part).toList(),
        parts -> FloatTensor.concatRows(parts.toArray(FloatTensor[]::new)),
        t -> Arrays.asList(t.splitRows(names.size())));
  }
}
