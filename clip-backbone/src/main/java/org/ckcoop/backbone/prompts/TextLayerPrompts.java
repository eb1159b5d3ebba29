package org.ckcoop.backbone.prompts;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Deep text prompts: {@code layers.get(k)} [n, width] replaces the tokens at positions {@code 1..n}
 * (right after SOT, where CoOp-style learners put their context) of every sequence at the input of
 * text block {@code k + 1}, as MaPLe's and IVLP's {@code ResidualAttentionBlock} do
 * ({@code x = cat(x[:1], prompt, x[1 + n:])} in the official LND layout). Layer 0's context is part of
 * the token embeddings the learner assembles. The same tensor serves every class.
 *
 * @param layers one [n, width] tensor per deeper layer, for blocks 1..layers.size(); all with the same n
 */
public record TextLayerPrompts(List<NDArray> layers) {
  /** Checks the shapes and copies the list. */
  public TextLayerPrompts {
    layers = List.copyOf(layers);
    long n = -1;
    for (int k = 0; k < layers.size(); k++) {
      var s = layers.get(k).getShape();
      if (s.dimension() != 2 || (n >= 0 && s.get(0) != n)) {
        throw new IllegalArgumentException("text prompt of layer " + (k + 1) + " has shape " + s
            + ", expected (n, width) with the same n for every layer");
      }
      n = s.get(0);
    }
  }

  /** Returns the number of tokens each layer's prompt replaces (0 when there are no layers). */
  public int tokens() {
    return layers.isEmpty() ? 0 : Math.toIntExact(layers.get(0).getShape().get(0));
  }

  /** No deep text prompts. */
  public static TextLayerPrompts none() {
    return new TextLayerPrompts(List.of());
  }
}
