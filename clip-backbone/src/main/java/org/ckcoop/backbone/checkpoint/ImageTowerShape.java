package org.ckcoop.backbone.checkpoint;

/**
 * The kind and sizes of a CLIP image tower: a vision transformer ({@link VitShape}) or OpenAI's
 * modified ResNet ({@link ResNetShape}). Both end in a projection to the joint embedding.
 */
public sealed interface ImageTowerShape permits VitShape, ResNetShape {

  /** Returns the kind, {@code ViT} or {@code ResNet}, as shown to users. */
  String kind();

  /**
   * Returns a short label naming the tower, e.g. {@code ViT (768w x 12L, patch 16)} or
   * {@code ResNet (RN50)}: what error messages and descriptions show.
   */
  String label();

  /**
   * Checks the sizes against the image resolution.
   *
   * @throws IllegalArgumentException when the resolution does not fit the tower
   */
  void checkResolution(int imageResolution);
}
