package org.ckcoop.backbone.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;
import org.ckcoop.backbone.checkpoint.TowerShape;

/**
 * A stack of residual attention blocks. Each block runs in its own {@link NDScope} so that its
 * temporaries are released as soon as it is done, which keeps peak memory low on long sequences.
 */
final class Transformer {
  private final List<ResidualAttentionBlock> blocks = new ArrayList<>();

  Transformer(TowerWeights weights, String prefix, TowerShape shape) {
    for (int i = 0; i < shape.layers(); i++) {
      blocks.add(new ResidualAttentionBlock(weights, prefix + i + ".", shape));
    }
  }

  /** What changes a block's input (deep prompts), by block index; null for no change. */
  interface LayerInput {
    /** Returns block {@code layer}'s input made from {@code x} (or {@code x} itself). */
    NDArray apply(int layer, NDArray x);
  }

  /** Applies every block; the result belongs to {@code x}'s manager. */
  NDArray forward(NDArray x, NDArray mask) {
    return forward(x, mask, null);
  }

  /**
   * Applies every block, letting {@code input} (when not null) change each block's input first; the
   * result belongs to {@code x}'s manager.
   */
  NDArray forward(NDArray x, NDArray mask, LayerInput input) {
    NDArray out = x;
    for (int i = 0; i < blocks.size(); i++) {
      ResidualAttentionBlock block = blocks.get(i);
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDArray next = block.forward(input == null ? out : input.apply(i, out), mask);
        NDScope.unregister(next);
        if (out != x) {
          out.close();
        }
        out = next;
      }
    }
    return out;
  }

  /**
   * Applies every block to sequences with a shared prefix per group (see
   * {@link ResidualAttentionBlock#forwardShared}), letting {@code prefixInput} (when not null) change
   * each block's prefix first. Returns the final prefix and rest, on their inputs' managers.
   */
  NDList forwardShared(NDArray prefix, NDArray rest, NDArray prefixMask, NDArray restMask, LayerInput prefixInput) {
    NDArray p = prefix;
    NDArray r = rest;
    for (int i = 0; i < blocks.size(); i++) {
      ResidualAttentionBlock block = blocks.get(i);
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDList next = block.forwardShared(prefixInput == null ? p : prefixInput.apply(i, p), r, prefixMask, restMask);
        next.forEach(NDScope::unregister);
        if (p != prefix) {
          p.close();
        }
        if (r != rest) {
          r.close();
        }
        p = next.get(0);
        r = next.get(1);
      }
    }
    return new NDList(p, r);
  }
}
