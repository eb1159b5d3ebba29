package org.ckcoop.backbone.model;

import ai.djl.ndarray.NDArray;
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

  /** Applies every block; the result belongs to {@code x}'s manager. */
  NDArray forward(NDArray x, NDArray mask) {
    NDArray out = x;
    for (ResidualAttentionBlock block : blocks) {
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDArray next = block.forward(out, mask);
        NDScope.unregister(next);
        if (out != x) {
          out.close();
        }
        out = next;
      }
    }
    return out;
  }
}
