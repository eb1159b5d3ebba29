package org.ckcoop.backbone.image;

import java.awt.image.Raster;

/**
 * A CMYK or YCCK JPEG's raw samples turned into RGB exactly as Pillow does: libjpeg's YCCK-to-CMYK
 * conversion ({@code jdcolor.c}'s fixed-point tables, {@code ycck_cmyk_convert}), Pillow's reading
 * of every 4-component JPEG as Adobe's inverted CMYK ({@code CMYK;I}), and Pillow 9's
 * {@code cmyk2rgb}: {@code nk = 255 - k; r = nk - muldiv255(c, nk)}.
 */
final class FourComponentJpeg {
  private static final int SCALEBITS = 16;
  private static final int ONE_HALF = 1 << (SCALEBITS - 1);
  private static final int[] CR_R = new int[256];
  private static final int[] CB_B = new int[256];
  private static final int[] CR_G = new int[256];
  private static final int[] CB_G = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int x = i - 128;
      CR_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALEBITS;
      CB_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALEBITS;
      CR_G[i] = -fix(0.71414) * x;
      CB_G[i] = -fix(0.34414) * x + ONE_HALF;
    }
  }

  private FourComponentJpeg() {}

  private static int fix(double v) {
    return (int) (v * (1L << SCALEBITS) + 0.5);
  }

  private static int clamp(int v) {
    return v < 0 ? 0 : Math.min(v, 255);
  }

  private static int mulDiv255(int a, int b) {
    int t = a * b + 128;
    return ((t >> 8) + t) >> 8;
  }

  /**
   * Converts a 4-band raster of raw JPEG samples to RGB.
   *
   * @param ycck whether the samples are YCCK (Adobe transform 2) rather than CMYK
   */
  static RgbImage toRgb(Raster raw, boolean ycck) {
    int w = raw.getWidth();
    int h = raw.getHeight();
    byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
    int[] px = new int[4 * w];
    int o = 0;
    for (int y = 0; y < h; y++) {
      raw.getPixels(raw.getMinX(), raw.getMinY() + y, w, 1, px);
      for (int x = 0; x < w; x++) {
        int a = px[4 * x];
        int b = px[4 * x + 1];
        int c = px[4 * x + 2];
        int k = px[4 * x + 3];
        int cyan;
        int magenta;
        int yellow;
        if (ycck) { // libjpeg: C = 255 - R(Y, Cb, Cr), M = 255 - G, Y = 255 - B; K unchanged
          cyan = 255 - clamp(a + CR_R[c]);
          magenta = 255 - clamp(a + ((CB_G[b] + CR_G[c]) >> SCALEBITS));
          yellow = 255 - clamp(a + CB_B[b]);
        } else {
          cyan = a;
          magenta = b;
          yellow = c;
        }
        // Pillow's CMYK;I inverts all four; then cmyk2rgb with nk = 255 - (255 - k) = k
        int nk = k;
        out[o++] = (byte) clamp(nk - mulDiv255(255 - cyan, nk));
        out[o++] = (byte) clamp(nk - mulDiv255(255 - magenta, nk));
        out[o++] = (byte) clamp(nk - mulDiv255(255 - yellow, nk));
      }
    }
    return RgbImage.wrap(w, h, out);
  }
}
