package org.ckcoop.backbone.prompts;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Deep vision prompts: {@code first} [V, width] is appended after the patch tokens (after the
 * positional embedding, before {@code ln_pre}: {@code x = cat(x, prompt)}, as MaPLe's and IVLP's
 * vision transformers do), and {@code layers.get(k)} [V, width] replaces those last V tokens at the
 * input of vision block {@code k + 1} ({@code x = cat(x[:-V], prompt)}). Only the class token is
 * pooled at the end, so the prompts act through attention. The same tensors serve every image.
 *
 * @param first the tokens appended at the input, [V, width]
 * @param layers one [V, width] tensor per deeper layer, for blocks 1..layers.size()
 */
public record VisionLayerPrompts(NDArray first, List<NDArray> layers) {
  /** Checks the shapes and copies the list. */
  public VisionLayerPrompts {
    layers = List.copyOf(layers);
    var s = first.getShape();
    if (s.dimension() != 2) {
      throw new IllegalArgumentException("vision prompt of the input has shape " + s + ", expected (V, width)");
    }
    for (int k = 0; k < layers.size(); k++) {
      var l = layers.get(k).getShape();
      if (!l.equals(s)) {
        throw new IllegalArgumentException("vision prompt of layer " + (k + 1) + " has shape " + l
            + ", expected " + s + " as the input's");
      }
    }
  }

  /** Returns V, the number of prompt tokens. */
  public int tokens() {
    return Math.toIntExact(first.getShape().get(0));
  }
}
