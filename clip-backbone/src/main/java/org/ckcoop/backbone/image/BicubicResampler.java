package org.ckcoop.backbone.image;

import java.util.Objects;

/**
 * Pillow's {@code Image.resize(size, Image.BICUBIC, box)} for 8-bit RGB, reproduced operation for
 * operation from {@code libImaging/Resample.c} so that the output bytes are identical.
 *
 * <p>The algorithm: a separable cubic convolution filter ({@code a = -0.5}, support 2) whose
 * support is stretched by the downscale factor (antialiasing). For every output column (then row)
 * {@code precompute_coeffs} computes {@code center = in0 + (x + 0.5) * scale}, the window {@code
 * [(int)(center - support + 0.5), (int)(center + support + 0.5))} clamped to the image, the filter
 * weights at {@code (i - center + 0.5) / filterscale} normalised to sum 1, and converts them to
 * fixed point with {@code PRECISION_BITS = 32 - 8 - 2 = 22} (rounding half away from zero). The
 * horizontal pass runs first, only over the rows the vertical pass will read, then the vertical
 * pass; each pass accumulates in 32-bit integers starting at {@code 1 << 21}, shifts right by 22
 * and clips to 0..255. Pillow's shortcuts are kept: the same size and full box returns the image,
 * an integer box of exactly the output size is a plain crop, and a pass whose axis is unchanged is
 * skipped.
 *
 * <p>The box is in single precision because Pillow parses it into a C {@code float[4]}.
 */
public final class BicubicResampler {
  private static final int PRECISION_BITS = 32 - 8 - 2;
  private static final double SUPPORT = 2.0;

  private BicubicResampler() {}

  /** {@code image.resize((width, height), Image.BICUBIC)}. */
  public static RgbImage resize(RgbImage image, int width, int height) {
    Objects.requireNonNull(image, "image");
    return resize(image, width, height, 0f, 0f, image.width(), image.height());
  }

  /**
   * {@code image.resize((width, height), Image.BICUBIC, box=(left, top, right, bottom))}: the
   * region of the source given by the box (in source pixel coordinates, fractional allowed) is
   * scaled to {@code width x height}. Note that pixels outside the box but inside the image still
   * contribute near the box's edges (Pillow clamps the filter window to the image, not the box);
   * torchvision's resized crop therefore crops first, see {@link TrainAugmentation}.
   *
   * @throws IllegalArgumentException for a non-positive size or a box outside the image or empty,
   *     as Pillow raises {@code ValueError}
   */
  public static RgbImage resize(
      RgbImage image, int width, int height, float left, float top, float right, float bottom) {
    Objects.requireNonNull(image, "image");
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("height and width must be > 0, got " + width + "x"
          + height);
    }
    RgbImage.checkSize(width, height);
    int inW = image.width();
    int inH = image.height();
    if (!(left >= 0) || !(top >= 0)) {
      throw new IllegalArgumentException("box offset can't be negative");
    }
    if (right > inW || bottom > inH) {
      throw new IllegalArgumentException("box can't exceed original image size");
    }
    if (!(right - left >= 0) || !(bottom - top >= 0)) {
      throw new IllegalArgumentException("box can't be empty");
    }
    // Image.resize (Python): same size and the whole image -> copy.
    if (width == inW && height == inH && left == 0 && top == 0 && right == inW
        && bottom == inH) {
      return image;
    }
    // _imaging.c _resize: an integer box exactly the output size -> crop.
    if (left - (int) left == 0 && right - left == width
        && top - (int) top == 0 && bottom - top == height) {
      return image.crop((int) left, (int) top, (int) right - (int) left,
          (int) bottom - (int) top);
    }
    return resample(image, width, height, left, top, right, bottom);
  }

  /** ImagingResampleInner for the 8-bit, 3-band case. */
  private static RgbImage resample(
      RgbImage image, int xsize, int ysize, float left, float top, float right, float bottom) {
    int inW = image.width();
    int inH = image.height();
    boolean needHorizontal = xsize != inW || left != 0 || right != xsize;
    boolean needVertical = ysize != inH || top != 0 || bottom != ysize;

    Coefficients vert = Coefficients.compute(inH, top, bottom, ysize);
    int yboxFirst = vert.bounds[0];
    int yboxLast = vert.bounds[ysize * 2 - 2] + vert.bounds[ysize * 2 - 1];

    byte[] src = image.pixels();
    int srcW = inW;
    int srcH = inH;
    if (needHorizontal) {
      Coefficients horiz = Coefficients.compute(inW, left, right, xsize);
      for (int i = 0; i < ysize; i++) {
        vert.bounds[i * 2] -= yboxFirst;
      }
      int tempH = yboxLast - yboxFirst;
      src = horizontalPass(src, inW, yboxFirst, tempH, xsize, horiz);
      srcW = xsize;
      srcH = tempH;
    }
    if (needVertical) {
      byte[] out = verticalPass(src, srcW, ysize, vert);
      return RgbImage.wrap(srcW, ysize, out);
    }
    if (needHorizontal) {
      return RgbImage.wrap(srcW, srcH, src);
    }
    return image;
  }

  private static byte[] horizontalPass(
      byte[] in, int inW, int rowOffset, int rows, int outW, Coefficients c) {
    byte[] out = new byte[outW * rows * 3];
    int ksize = c.ksize;
    int[] kk = c.fixed;
    int[] bounds = c.bounds;
    int half = 1 << (PRECISION_BITS - 1);
    for (int yy = 0; yy < rows; yy++) {
      int rowStart = (yy + rowOffset) * inW * 3;
      int o = yy * outW * 3;
      for (int xx = 0; xx < outW; xx++) {
        int xmin = bounds[xx * 2];
        int xmax = bounds[xx * 2 + 1];
        int k = xx * ksize;
        int ss0 = half;
        int ss1 = half;
        int ss2 = half;
        int p = rowStart + xmin * 3;
        for (int x = 0; x < xmax; x++) {
          int w = kk[k + x];
          ss0 += (in[p] & 0xFF) * w;
          ss1 += (in[p + 1] & 0xFF) * w;
          ss2 += (in[p + 2] & 0xFF) * w;
          p += 3;
        }
        out[o++] = clip8(ss0);
        out[o++] = clip8(ss1);
        out[o++] = clip8(ss2);
      }
    }
    return out;
  }

  private static byte[] verticalPass(byte[] in, int width, int outH, Coefficients c) {
    int rowLen = width * 3;
    byte[] out = new byte[rowLen * outH];
    int[] acc = new int[rowLen];
    int ksize = c.ksize;
    int[] kk = c.fixed;
    int[] bounds = c.bounds;
    int half = 1 << (PRECISION_BITS - 1);
    for (int yy = 0; yy < outH; yy++) {
      int ymin = bounds[yy * 2];
      int ymax = bounds[yy * 2 + 1];
      int k = yy * ksize;
      java.util.Arrays.fill(acc, half);
      // Integer sums: accumulating row by row gives exactly Pillow's per-pixel sums.
      for (int y = 0; y < ymax; y++) {
        int w = kk[k + y];
        int p = (y + ymin) * rowLen;
        for (int i = 0; i < rowLen; i++) {
          acc[i] += (in[p + i] & 0xFF) * w;
        }
      }
      int o = yy * rowLen;
      for (int i = 0; i < rowLen; i++) {
        out[o + i] = clip8(acc[i]);
      }
    }
    return out;
  }

  /** Pillow's clip8: {@code ss >> PRECISION_BITS} clamped to 0..255 (its lookup table). */
  private static byte clip8(int ss) {
    int v = ss >> PRECISION_BITS;
    return (byte) (v < 0 ? 0 : Math.min(v, 255));
  }

  /** Pillow's {@code bicubic_filter} with {@code a = -0.5}, same operation order. */
  static double bicubic(double x) {
    final double a = -0.5;
    if (x < 0.0) {
      x = -x;
    }
    if (x < 1.0) {
      return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    }
    if (x < 2.0) {
      return (((x - 5) * x + 8) * x - 4) * a;
    }
    return 0.0;
  }

  /** Per-output-pixel windows and fixed-point weights for one axis ({@code precompute_coeffs}). */
  static final class Coefficients {
    final int ksize;
    /** {@code [xmin, count]} per output pixel. */
    final int[] bounds;
    /** Weights in fixed point, {@code ksize} per output pixel. */
    final int[] fixed;

    private Coefficients(int ksize, int[] bounds, int[] fixed) {
      this.ksize = ksize;
      this.bounds = bounds;
      this.fixed = fixed;
    }

    static Coefficients compute(int inSize, float in0, float in1, int outSize) {
      // (double)(in1 - in0): the difference is taken in float, as in C.
      double scale = (double) (in1 - in0) / outSize;
      double filterscale = scale;
      if (filterscale < 1.0) {
        filterscale = 1.0;
      }
      double support = SUPPORT * filterscale;
      int ksize = (int) Math.ceil(support) * 2 + 1;
      if (outSize > Integer.MAX_VALUE / (ksize * 8)) {
        throw new IllegalArgumentException("output size too large for resampling: " + outSize);
      }
      double[] kk = new double[outSize * ksize];
      int[] bounds = new int[outSize * 2];
      for (int xx = 0; xx < outSize; xx++) {
        double center = in0 + (xx + 0.5) * scale;
        double ww = 0.0;
        double ss = 1.0 / filterscale;
        int xmin = (int) (center - support + 0.5);
        if (xmin < 0) {
          xmin = 0;
        }
        int xmax = (int) (center + support + 0.5);
        if (xmax > inSize) {
          xmax = inSize;
        }
        xmax -= xmin;
        int k = xx * ksize;
        for (int x = 0; x < xmax; x++) {
          double w = bicubic((x + xmin - center + 0.5) * ss);
          kk[k + x] = w;
          ww += w;
        }
        for (int x = 0; x < xmax; x++) {
          if (ww != 0.0) {
            kk[k + x] /= ww;
          }
        }
        bounds[xx * 2] = xmin;
        bounds[xx * 2 + 1] = xmax;
      }
      // normalize_coeffs_8bpc
      int[] fixed = new int[kk.length];
      double one = 1 << PRECISION_BITS;
      for (int i = 0; i < kk.length; i++) {
        fixed[i] = kk[i] < 0 ? (int) (-0.5 + kk[i] * one) : (int) (0.5 + kk[i] * one);
      }
      return new Coefficients(ksize, bounds, fixed);
    }
  }
}
