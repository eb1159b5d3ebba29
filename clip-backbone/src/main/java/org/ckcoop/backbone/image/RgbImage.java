package org.ckcoop.backbone.image;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable 8-bit RGB picture: {@code width * height} pixels stored row-major and interleaved
 * ({@code r, g, b, r, g, b, ...}), the same layout as PIL's {@code Image.tobytes()} for mode
 * {@code "RGB"} and numpy's {@code HWC} array.
 */
public final class RgbImage {
  private final int width;
  private final int height;
  private final byte[] pixels;

  private RgbImage(int width, int height, byte[] pixels) {
    this.width = width;
    this.height = height;
    this.pixels = pixels;
  }

  /**
   * Creates an image from interleaved RGB bytes (copied).
   *
   * @throws IllegalArgumentException if a dimension is not positive or the array is not {@code
   *     width * height * 3} long
   */
  public static RgbImage of(int width, int height, byte[] rgb) {
    Objects.requireNonNull(rgb, "rgb");
    checkSize(width, height);
    if (rgb.length != (long) width * height * 3) {
      throw new IllegalArgumentException(
          "expected " + (long) width * height * 3 + " bytes for " + width + "x" + height
              + " RGB, got " + rgb.length);
    }
    return new RgbImage(width, height, rgb.clone());
  }

  /** Wraps an array this package has just filled and will never touch again (no copy). */
  static RgbImage wrap(int width, int height, byte[] rgb) {
    return new RgbImage(width, height, rgb);
  }

  static void checkSize(int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
    }
    if ((long) width * height * 3 > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("image too large: " + width + "x" + height);
    }
  }

  /** Width in pixels. */
  public int width() {
    return width;
  }

  /** Height in pixels. */
  public int height() {
    return height;
  }

  /** One sample, 0..255: {@code channel} 0 is red, 1 green, 2 blue. */
  public int sample(int x, int y, int channel) {
    Objects.checkIndex(x, width);
    Objects.checkIndex(y, height);
    Objects.checkIndex(channel, 3);
    return pixels[(y * width + x) * 3 + channel] & 0xFF;
  }

  /** The pixel packed as {@code 0xRRGGBB}. */
  public int rgb(int x, int y) {
    Objects.checkIndex(x, width);
    Objects.checkIndex(y, height);
    int i = (y * width + x) * 3;
    return (pixels[i] & 0xFF) << 16 | (pixels[i + 1] & 0xFF) << 8 | (pixels[i + 2] & 0xFF);
  }

  /** A copy of the interleaved RGB bytes ({@code width * height * 3}). */
  public byte[] toByteArray() {
    return pixels.clone();
  }

  /** The backing array, for this package's read-only hot paths. */
  byte[] pixels() {
    return pixels;
  }

  /**
   * The rectangle {@code [left, left + width) x [top, top + height)}, which must lie inside this
   * image; PIL's {@code img.crop((left, top, left + width, top + height))}.
   */
  public RgbImage crop(int left, int top, int width, int height) {
    checkSize(width, height);
    if (left < 0 || top < 0 || left + width > this.width || top + height > this.height) {
      throw new IllegalArgumentException(
          "crop (left=" + left + ", top=" + top + ", " + width + "x" + height
              + ") is outside the " + this.width + "x" + this.height + " image");
    }
    if (left == 0 && top == 0 && width == this.width && height == this.height) {
      return this;
    }
    byte[] out = new byte[width * height * 3];
    int rowBytes = width * 3;
    for (int y = 0; y < height; y++) {
      System.arraycopy(pixels, ((top + y) * this.width + left) * 3, out, y * rowBytes, rowBytes);
    }
    return new RgbImage(width, height, out);
  }

  /**
   * This image with black (zero) borders added, as torchvision's {@code pad(img, [left, top,
   * right, bottom], fill=0)}.
   */
  public RgbImage pad(int left, int top, int right, int bottom) {
    if (left < 0 || top < 0 || right < 0 || bottom < 0) {
      throw new IllegalArgumentException("padding must not be negative");
    }
    if (left == 0 && top == 0 && right == 0 && bottom == 0) {
      return this;
    }
    int w = width + left + right;
    int h = height + top + bottom;
    checkSize(w, h);
    byte[] out = new byte[w * h * 3];
    int rowBytes = width * 3;
    for (int y = 0; y < height; y++) {
      System.arraycopy(pixels, y * rowBytes, out, ((top + y) * w + left) * 3, rowBytes);
    }
    return new RgbImage(w, h, out);
  }

  /** The mirror image (left and right swapped), PIL's {@code transpose(FLIP_LEFT_RIGHT)}. */
  public RgbImage flipHorizontal() {
    byte[] out = new byte[pixels.length];
    for (int y = 0; y < height; y++) {
      int row = y * width * 3;
      for (int x = 0; x < width; x++) {
        int s = row + x * 3;
        int d = row + (width - 1 - x) * 3;
        out[d] = pixels[s];
        out[d + 1] = pixels[s + 1];
        out[d + 2] = pixels[s + 2];
      }
    }
    return new RgbImage(width, height, out);
  }

  /** Equal when the sizes and all samples are equal. */
  @Override
  public boolean equals(Object o) {
    return o instanceof RgbImage other
        && other.width == width
        && other.height == height
        && Arrays.equals(other.pixels, pixels);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * width + height) + Arrays.hashCode(pixels);
  }

  @Override
  public String toString() {
    return "RgbImage[" + width + "x" + height + "]";
  }
}
