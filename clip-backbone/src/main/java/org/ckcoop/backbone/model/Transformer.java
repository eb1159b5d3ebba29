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
    return applyBlocks(new NDList(x),
        (block, i, state) -> new NDList(block.forward(input == null ? state.head() : input.apply(i, state.head()), mask)))
        .head();
  }

  /**
   * Applies every block to sequences with a shared prefix per group (see
   * {@link ResidualAttentionBlock#forwardShared}), letting {@code prefixInput} (when not null) change
   * each block's prefix first. Returns the final prefix and rest, on their inputs' managers.
   */
  NDList forwardShared(NDArray prefix, NDArray rest, NDArray prefixMask, NDArray restMask, LayerInput prefixInput) {
    return applyBlocks(new NDList(prefix, rest), (block, i, state) -> block.forwardShared(
        prefixInput == null ? state.get(0) : prefixInput.apply(i, state.get(0)), state.get(1), prefixMask, restMask));
  }

  /** One block's step from the arrays the previous block left. */
  private interface BlockStep {
    NDList apply(ResidualAttentionBlock block, int layer, NDList state);
  }

  /**
   * Runs {@code step} for every block, each in its own scope; every intermediate state is closed once
   * the next exists, the input never. The result belongs to the input's managers.
   */
  private NDList applyBlocks(NDList input, BlockStep step) {
    NDList state = input;
    for (int i = 0; i < blocks.size(); i++) {
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDList next = step.apply(blocks.get(i), i, state);
        next.forEach(NDScope::unregister);
        if (state != input) {
          state.close();
        }
        state = next;
      }
    }
    return state;
  }
}
