package org.ckcoop.backbone.image;

import java.nio.file.Path;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * CoOp's training transform (Dassl's {@code random_resized_crop, random_flip, normalize}): {@code
 * RandomResizedCrop(n, scale=(0.08, 1.0), ratio=(3/4, 4/3), interpolation=BICUBIC)}, {@code
 * RandomHorizontalFlip(p=0.5)}, {@code ToTensor()}, {@code Normalize(mean, std)}, giving a float
 * tensor {@code [3, n, n]} in CHW order.
 *
 * <p>The crop follows torchvision's {@code RandomResizedCrop.get_params} step for step: up to 10
 * attempts, each drawing a target area {@code area * U(scale_min, scale_max)} and an aspect ratio
 * {@code exp(U(log ratio_min, log ratio_max))}, {@code w = int(round(sqrt(area' * ratio)))}, {@code
 * h = int(round(sqrt(area' / ratio)))} (Python's half-to-even round); the first attempt with
 * {@code 0 < w <= width} and {@code 0 < h <= height} draws {@code top} uniformly in {@code [0,
 * height - h]} and {@code left} in {@code [0, width - w]}. If all 10 fail, the fallback is the
 * central crop of the whole image with its ratio clamped into {@code [ratio_min, ratio_max]}. The
 * crop is then cut out and resized to {@code n x n} with Pillow's bicubic filter ({@code
 * F.resized_crop}: crop first, then resize).
 *
 * <p><b>Randomness.</b> All draws come from the {@link RandomGenerator} passed in (for example a
 * {@link java.util.SplittableRandom} seeded per sample), so the output is a pure function of the
 * image and the generator's state. The draw order per call is:
 *
 * <ol>
 *   <li>per attempt (1 to 10): {@code nextDouble()} for the scale, then {@code nextDouble()} for
 *       the log aspect ratio;
 *   <li>on the accepted attempt only: {@code nextInt(height - h + 1)} for {@code top}, then {@code
 *       nextInt(width - w + 1)} for {@code left} (nothing when the fallback crop is used);
 *   <li>always: {@code nextDouble()} for the flip, flipping when it is {@code < p}.
 * </ol>
 *
 * <p>{@code U(a, b)} is {@code a + (b - a) * nextDouble()}. torch draws its uniforms in float32
 * from its own generator; the Java results therefore match torchvision in distribution and
 * algorithm, not in the particular random numbers. Given the same crop box and flip, the pixels
 * are identical to torchvision's (see {@link #augment(RgbImage, CropBox, boolean)}).
 */
public final class TrainAugmentation {
  private static final int ATTEMPTS = 10;

  private final int resolution;
  private final double minScale;
  private final double maxScale;
  private final double minRatio;
  private final double maxRatio;
  private final double logMinRatio;
  private final double logMaxRatio;
  private final double flipProbability;
  private final ChannelNormalization normalization;

  /** CoOp's defaults: scale (0.08, 1.0), ratio (3/4, 4/3), flip p = 0.5, CLIP's mean and std. */
  public TrainAugmentation(int resolution) {
    this(resolution, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0, 0.5, ChannelNormalization.CLIP);
  }

  /**
   * A fully configured transform.
   *
   * @param resolution output side {@code n}
   * @param minScale lower bound of the crop's area fraction
   * @param maxScale upper bound of the crop's area fraction
   * @param minRatio lower bound of the crop's width / height
   * @param maxRatio upper bound of the crop's width / height
   * @param flipProbability probability of the horizontal flip, 0..1
   * @param normalization the ToTensor + Normalize step
   */
  public TrainAugmentation(
      int resolution,
      double minScale,
      double maxScale,
      double minRatio,
      double maxRatio,
      double flipProbability,
      ChannelNormalization normalization) {
    if (resolution <= 0) {
      throw new IllegalArgumentException("resolution must be positive, got " + resolution);
    }
    if (!(minScale > 0) || !(minScale <= maxScale) || !Double.isFinite(maxScale)) {
      throw new IllegalArgumentException(
          "scale must be (min, max) with 0 < min <= max, got (" + minScale + ", " + maxScale + ")");
    }
    if (!(minRatio > 0) || !(minRatio <= maxRatio) || !Double.isFinite(maxRatio)) {
      throw new IllegalArgumentException(
          "ratio must be (min, max) with 0 < min <= max, got (" + minRatio + ", " + maxRatio + ")");
    }
    if (!(flipProbability >= 0 && flipProbability <= 1)) {
      throw new IllegalArgumentException("flip probability must be in [0, 1], got "
          + flipProbability);
    }
    this.resolution = resolution;
    this.minScale = minScale;
    this.maxScale = maxScale;
    this.minRatio = minRatio;
    this.maxRatio = maxRatio;
    this.logMinRatio = Math.log(minRatio);
    this.logMaxRatio = Math.log(maxRatio);
    this.flipProbability = flipProbability;
    this.normalization = Objects.requireNonNull(normalization, "normalization");
  }

  /** The side {@code n} of the square output. */
  public int resolution() {
    return resolution;
  }

  /** The number of floats in one output tensor, {@code 3 * n * n}. */
  public int tensorSize() {
    return 3 * resolution * resolution;
  }

  /**
   * Decodes the file and returns one random augmentation of it as a {@code [3, n, n]} tensor.
   *
   * @throws ImageReadException if the file cannot be decoded
   */
  public float[] apply(Path file, RandomGenerator rng) {
    return apply(ImageDecoder.read(file), rng);
  }

  /** One random augmentation of the image as a {@code [3, n, n]} tensor. */
  public float[] apply(RgbImage image, RandomGenerator rng) {
    float[] out = new float[tensorSize()];
    applyInto(image, rng, out, 0);
    return out;
  }

  /** Writes one random augmentation of the image into {@code dst} starting at {@code offset}. */
  public void applyInto(RgbImage image, RandomGenerator rng, float[] dst, int offset) {
    Objects.requireNonNull(rng, "rng");
    CropBox box = sampleCrop(image.width(), image.height(), rng);
    boolean flip = sampleFlip(rng);
    normalization.toTensor(resizedCrop(image, box), flip, dst, offset);
  }

  /** One random augmentation as a picture (crop, resize, flip), before ToTensor/Normalize. */
  public RgbImage augment(RgbImage image, RandomGenerator rng) {
    Objects.requireNonNull(rng, "rng");
    CropBox box = sampleCrop(image.width(), image.height(), rng);
    boolean flip = sampleFlip(rng);
    return augment(image, box, flip);
  }

  /** The deterministic part: crop {@code box}, resize to {@code n x n}, flip if asked. */
  public RgbImage augment(RgbImage image, CropBox box, boolean flip) {
    RgbImage out = resizedCrop(image, box);
    return flip ? out.flipHorizontal() : out;
  }

  private RgbImage resizedCrop(RgbImage image, CropBox box) {
    RgbImage crop = image.crop(box.left(), box.top(), box.width(), box.height());
    return BicubicResampler.resize(crop, resolution, resolution);
  }

  /**
   * torchvision's {@code RandomResizedCrop.get_params} for an image of {@code width x height};
   * draws as documented on the class.
   */
  public CropBox sampleCrop(int width, int height, RandomGenerator rng) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("image size must be positive, got " + width + "x"
          + height);
    }
    double area = (double) width * height;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      double targetArea = area * uniform(rng, minScale, maxScale);
      double aspectRatio = Math.exp(uniform(rng, logMinRatio, logMaxRatio));
      int w = (int) Math.rint(Math.sqrt(targetArea * aspectRatio));
      int h = (int) Math.rint(Math.sqrt(targetArea / aspectRatio));
      if (0 < w && w <= width && 0 < h && h <= height) {
        int top = rng.nextInt(height - h + 1);
        int left = rng.nextInt(width - w + 1);
        return new CropBox(top, left, h, w);
      }
    }
    // Fallback to a central crop.
    double inRatio = (double) width / (double) height;
    int w;
    int h;
    if (inRatio < minRatio) {
      w = width;
      h = (int) Math.rint(w / minRatio);
    } else if (inRatio > maxRatio) {
      h = height;
      w = (int) Math.rint(h * maxRatio);
    } else {
      w = width;
      h = height;
    }
    // Rounding can only reach 0 for a ratio range far from the image's; keep the box valid.
    w = Math.max(1, Math.min(w, width));
    h = Math.max(1, Math.min(h, height));
    return new CropBox((height - h) / 2, (width - w) / 2, h, w);
  }

  /** {@code RandomHorizontalFlip}: one {@code nextDouble()}, flip when it is below {@code p}. */
  public boolean sampleFlip(RandomGenerator rng) {
    return rng.nextDouble() < flipProbability;
  }

  private static double uniform(RandomGenerator rng, double low, double high) {
    return low + (high - low) * rng.nextDouble();
  }

  @Override
  public String toString() {
    return "TrainAugmentation[resolution=" + resolution + ", scale=(" + minScale + ", "
        + maxScale + "), ratio=(" + minRatio + ", " + maxRatio + "), flip=" + flipProbability
        + ", " + normalization + "]";
  }
}
