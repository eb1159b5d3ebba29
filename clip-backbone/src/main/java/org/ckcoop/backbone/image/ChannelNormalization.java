package org.ckcoop.backbone.image;

import java.util.Arrays;
import java.util.Objects;
import org.ckcoop.backbone.checkpoint.ImageNormalization;

/**
 * torchvision's {@code ToTensor()} followed by {@code Normalize(mean, std)}: an {@link RgbImage}
 * becomes a float tensor in CHW order, {@code [3, height, width]} flattened, each value computed
 * in float32 exactly as torch does: {@code (v / 255f - mean[c]) / std[c]}, each operation rounded
 * to float. Java's float arithmetic is IEEE binary32 with no fused operations, so the values are
 * bit-identical to torch's on CPU.
 *
 * <p>The mean and std are stored as floats, as {@code torch.as_tensor(mean, dtype=float32)} does
 * with the Python doubles it is given.
 */
public final class ChannelNormalization {
  /** CLIP's mean and std, the ones of {@code clip/clip.py::_transform} and CoOp's configs. */
  public static final ChannelNormalization CLIP = of(ImageNormalization.CLIP);

  private final float[] mean;
  private final float[] std;
  /** {@code lut[c * 256 + v]}: the normalised value of sample {@code v} in channel {@code c}. */
  private final float[] lut;

  /**
   * Creates the normalisation for three channels (R, G, B).
   *
   * @throws IllegalArgumentException unless both arrays have 3 finite entries and no std is zero
   *     (torchvision raises for a zero std too)
   */
  public ChannelNormalization(double[] mean, double[] std) {
    Objects.requireNonNull(mean, "mean");
    Objects.requireNonNull(std, "std");
    if (mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("mean and std need 3 entries (R, G, B)");
    }
    this.mean = new float[3];
    this.std = new float[3];
    for (int c = 0; c < 3; c++) {
      this.mean[c] = (float) mean[c];
      this.std[c] = (float) std[c];
      if (!Float.isFinite(this.mean[c]) || !Float.isFinite(this.std[c]) || this.std[c] == 0f) {
        throw new IllegalArgumentException(
            "mean must be finite and std finite and non-zero, got mean=" + Arrays.toString(mean)
                + " std=" + Arrays.toString(std));
      }
    }
    lut = new float[3 * 256];
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < 256; v++) {
        float t = (float) v / 255f; // ToTensor: img.float().div(255)
        lut[c * 256 + v] = (t - this.mean[c]) / this.std[c]; // Normalize: sub_(mean).div_(std)
      }
    }
  }

  /** Returns the normalisation a checkpoint states. */
  public static ChannelNormalization of(ImageNormalization normalization) {
    return new ChannelNormalization(normalization.mean(), normalization.std());
  }

  /** The per-channel mean as float32. */
  public float[] mean() {
    return mean.clone();
  }

  /** The per-channel standard deviation as float32. */
  public float[] std() {
    return std.clone();
  }

  /** The normalised value of one 8-bit sample in channel {@code channel} (0 = R, 1 = G, 2 = B). */
  public float apply(int channel, int sample) {
    Objects.checkIndex(channel, 3);
    Objects.checkIndex(sample, 256);
    return lut[channel * 256 + sample];
  }

  /** The normalised CHW tensor {@code [3, height, width]} of the image. */
  public float[] toTensor(RgbImage image) {
    float[] out = new float[3 * image.width() * image.height()];
    toTensor(image, false, out, 0);
    return out;
  }

  /**
   * Writes the normalised CHW tensor of the image into {@code dst} from {@code offset} ({@code 3 *
   * width * height} floats), mirrored left-right when {@code mirror} is set (a horizontal flip
   * done while writing, without an intermediate image).
   */
  public void toTensor(RgbImage image, boolean mirror, float[] dst, int offset) {
    int w = image.width();
    int h = image.height();
    int plane = w * h;
    Objects.checkFromIndexSize(offset, 3 * plane, dst.length);
    byte[] px = image.pixels();
    int g0 = offset + plane;
    int b0 = offset + 2 * plane;
    for (int y = 0; y < h; y++) {
      int src = y * w * 3;
      int row = y * w;
      for (int x = 0; x < w; x++) {
        int d = row + (mirror ? w - 1 - x : x);
        dst[offset + d] = lut[px[src] & 0xFF];
        dst[g0 + d] = lut[256 + (px[src + 1] & 0xFF)];
        dst[b0 + d] = lut[512 + (px[src + 2] & 0xFF)];
        src += 3;
      }
    }
  }

  @Override
  public String toString() {
    return "ChannelNormalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std)
        + "]";
  }
}
