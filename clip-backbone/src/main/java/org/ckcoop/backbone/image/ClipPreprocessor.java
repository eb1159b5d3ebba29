package org.ckcoop.backbone.image;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * CLIP's evaluation transform, as {@code clip/clip.py::_transform(n)} and Dassl's test transform
 * build it: {@code Resize(n, BICUBIC)} (shorter side to {@code n}), {@code CenterCrop(n)}, {@code
 * ToTensor()}, {@code Normalize(mean, std)}. The result is a float tensor {@code [3, n, n]} in CHW
 * order, flattened.
 *
 * <p>Images are decoded to RGB first (Dassl's order; see the package documentation). Instances are
 * immutable and thread-safe.
 */
public final class ClipPreprocessor {
  private final int resolution;
  private final ChannelNormalization normalization;

  /** The transform for input resolution {@code resolution} with CLIP's mean and std. */
  public ClipPreprocessor(int resolution) {
    this(resolution, ChannelNormalization.CLIP);
  }

  /** The transform for input resolution {@code resolution} with the given mean and std. */
  public ClipPreprocessor(int resolution, ChannelNormalization normalization) {
    if (resolution <= 0) {
      throw new IllegalArgumentException("resolution must be positive, got " + resolution);
    }
    this.resolution = resolution;
    this.normalization = Objects.requireNonNull(normalization, "normalization");
  }

  /** The side {@code n} of the square output. */
  public int resolution() {
    return resolution;
  }

  /** The mean/std normalisation applied last. */
  public ChannelNormalization normalization() {
    return normalization;
  }

  /** The number of floats in one output tensor, {@code 3 * n * n}. */
  public int tensorSize() {
    return 3 * resolution * resolution;
  }

  /**
   * Decodes the file and returns its {@code [3, n, n]} tensor.
   *
   * @throws ImageReadException if the file cannot be decoded
   */
  public float[] preprocess(Path file) {
    return preprocess(ImageDecoder.read(file));
  }

  /** The {@code [3, n, n]} tensor of a decoded image. */
  public float[] preprocess(RgbImage image) {
    float[] out = new float[tensorSize()];
    preprocessInto(image, out, 0);
    return out;
  }

  /** Writes the {@code [3, n, n]} tensor of the image into {@code dst} starting at {@code offset}. */
  public void preprocessInto(RgbImage image, float[] dst, int offset) {
    normalization.toTensor(resizeAndCrop(image), false, dst, offset);
  }

  /**
   * Decodes and preprocesses the files in order into one {@code [N, 3, n, n]} tensor.
   *
   * @throws ImageReadException for the first file that cannot be decoded
   */
  public float[] preprocessBatch(List<Path> files) {
    Objects.requireNonNull(files, "files");
    int size = tensorSize();
    float[] out = new float[Math.multiplyExact(files.size(), size)];
    for (int i = 0; i < files.size(); i++) {
      preprocessInto(ImageDecoder.read(files.get(i)), out, i * size);
    }
    return out;
  }

  /** {@code Resize(n)} then {@code CenterCrop(n)}: the {@code n x n} picture before ToTensor. */
  public RgbImage resizeAndCrop(RgbImage image) {
    return centerCrop(resizeShorterSide(image, resolution), resolution, resolution);
  }

  /**
   * torchvision's {@code Resize(size)} with an int size on a PIL image: the shorter side becomes
   * {@code size}, the longer one {@code int(size * long / short)} (truncated, {@code
   * _compute_resized_output_size}), resampled with Pillow's bicubic filter.
   */
  public static RgbImage resizeShorterSide(RgbImage image, int size) {
    if (size <= 0) {
      throw new IllegalArgumentException("size must be positive, got " + size);
    }
    int w = image.width();
    int h = image.height();
    int shorter = Math.min(w, h);
    int longer = Math.max(w, h);
    // Python: int(size * long / short); the exact integer product, one correctly rounded division.
    int newLong = (int) ((double) ((long) size * longer) / shorter);
    int newW = w <= h ? size : newLong;
    int newH = w <= h ? newLong : size;
    return BicubicResampler.resize(image, newW, newH);
  }

  /**
   * torchvision's {@code CenterCrop((height, width))}: if the image is smaller than the crop it is
   * first padded with zeros ({@code (crop - size) // 2} before, {@code (crop - size + 1) // 2}
   * after), then the crop starts at {@code int(round((size - crop) / 2.0))} with Python's
   * half-to-even rounding.
   */
  public static RgbImage centerCrop(RgbImage image, int height, int width) {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException("crop size must be positive, got " + width + "x" + height);
    }
    int w = image.width();
    int h = image.height();
    if (width > w || height > h) {
      int padLeft = width > w ? (width - w) / 2 : 0;
      int padTop = height > h ? (height - h) / 2 : 0;
      int padRight = width > w ? (width - w + 1) / 2 : 0;
      int padBottom = height > h ? (height - h + 1) / 2 : 0;
      image = image.pad(padLeft, padTop, padRight, padBottom);
      w = image.width();
      h = image.height();
      if (w == width && h == height) {
        return image;
      }
    }
    int top = (int) Math.rint((h - height) / 2.0);
    int left = (int) Math.rint((w - width) / 2.0);
    return image.crop(left, top, width, height);
  }

  @Override
  public String toString() {
    return "ClipPreprocessor[resolution=" + resolution + ", " + normalization + "]";
  }
}
