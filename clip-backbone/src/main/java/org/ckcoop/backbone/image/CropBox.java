package org.ckcoop.backbone.image;

/**
 * A crop rectangle in torchvision's {@code (i, j, h, w)} order: {@code top} row, {@code left}
 * column, {@code height} and {@code width} in pixels, as {@code RandomResizedCrop.get_params}
 * returns it.
 */
public record CropBox(int top, int left, int height, int width) {
  /** Checks that the box is non-empty and not negative. */
  public CropBox {
    if (top < 0 || left < 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "invalid crop box top=" + top + " left=" + left + " " + width + "x" + height);
    }
  }
}
