package org.ckcoop.backbone.checkpoint;

import java.util.Locale;

/**
 * A vision-transformer image tower: square patches of {@code patchSize} pixels embedded by a
 * convolution without bias, a class token, and a pre-LN transformer of shape {@code transformer}.
 *
 * @param patchSize the patch side in pixels
 * @param transformer the transformer's width, depth, heads, MLP width, activation and epsilon
 */
public record VitShape(int patchSize, TowerShape transformer) implements ImageTowerShape {

  /** Validates the patch size. */
  public VitShape {
    if (patchSize <= 0) {
      throw new IllegalArgumentException("patch size must be positive, got " + patchSize);
    }
    if (transformer == null) {
      throw new IllegalArgumentException("the vision transformer's shape is missing");
    }
  }

  @Override
  public String kind() {
    return "ViT";
  }

  @Override
  public String label() {
    return String.format(Locale.ROOT, "ViT (%dw x %dL, patch %d)", transformer.width(), transformer.layers(), patchSize);
  }

  @Override
  public void checkResolution(int imageResolution) {
    if (imageResolution % patchSize != 0) {
      throw new IllegalArgumentException(
          "image resolution " + imageResolution + " is not a multiple of the patch size " + patchSize);
    }
  }
}
