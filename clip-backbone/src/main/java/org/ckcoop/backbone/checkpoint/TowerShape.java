package org.ckcoop.backbone.checkpoint;

/**
 * The shape of one transformer tower: width, depth, heads, MLP width, activation and layer-norm
 * epsilon.
 */
public record TowerShape(
    int width, int layers, int heads, int mlpWidth, Activation activation, double layerNormEps) {

  /** Validates the sizes: positive, and the width divisible by the number of heads. */
  public TowerShape {
    if (width <= 0 || layers <= 0 || heads <= 0 || mlpWidth <= 0) {
      throw new IllegalArgumentException(
          "tower sizes must be positive: width=" + width + " layers=" + layers + " heads=" + heads
              + " mlpWidth=" + mlpWidth);
    }
    if (width % heads != 0) {
      throw new IllegalArgumentException(
          "width " + width + " is not divisible by " + heads + " heads");
    }
    if (!(layerNormEps > 0)) {
      throw new IllegalArgumentException("layer-norm epsilon must be positive, got " + layerNormEps);
    }
  }

  /** Returns the width of one attention head. */
  public int headWidth() {
    return width / heads;
  }
}
