package org.ckcoop.world.render;

import org.ckcoop.backbone.image.RgbImage;

/**
 * Draws a {@link Scene} into an RGB image of any square size, with this class's own geometry and
 * arithmetic only (no {@code java.awt}, whose rasterisation may differ between JDKs): identical
 * bytes on every machine.
 *
 * <p>Every edge is anti-aliased by {@value #SUPERSAMPLING}x{@value #SUPERSAMPLING} supersampling
 * followed by a box filter (the mean of the sub-samples of each pixel). For shapes, the exact signed
 * distance at the pixel centre decides first: a pixel whose centre lies more than half a pixel
 * diagonal inside or outside the edge is entirely in or out (the distance is 1-Lipschitz), so only
 * pixels on an edge are supersampled; the result is the same as supersampling every pixel.
 *
 * <p>Drawing order: background pattern, distractor, object, then the style's finish (block
 * averaging for {@link RenderStyle#PIXELATED}, per-pixel noise for every style). Geometry is in
 * reference units (32 per image side) scaled to the pixel size.
 */
public final class SceneRenderer {
  /** Sub-samples per pixel along each axis. */
  public static final int SUPERSAMPLING = 4;
  /** Half the width of a sketch's pencil line, in reference units. */
  public static final double SKETCH_HALF_WIDTH = 0.8;
  /** Just above half a pixel's diagonal ({@code sqrt(2) / 2}). */
  private static final double HALF_DIAGONAL = 0.70711;
  private static final double[] NIGHT_BACKGROUND = {0.30, 0.32, 0.46};
  private static final double[] NIGHT_OBJECT = {0.55, 0.58, 0.80};
  private static final double NIGHT_OBJECT_BLUE_LIFT = 18;
  private static final double SHADING = 0.2;

  private SceneRenderer() {}

  /**
   * Renders a scene as a {@code size x size} image.
   *
   * @throws IllegalArgumentException if {@code size < 8}
   */
  public static RgbImage render(Scene scene, int size) {
    if (size < 8) {
      throw new IllegalArgumentException("image size must be at least 8 pixels, got " + size);
    }
    double scale = size / 32.0;
    double[][] planes = new double[3][size * size];
    background(planes, size, scale, scene.style(), scene.background());
    scene.distractor().ifPresent(d -> object(planes, size, scale, scene.style(), d.shape(), d.rgb(), d.placement()));
    object(planes, size, scale, scene.style(), scene.shape(), scene.objectRgb(), scene.object());
    if (scene.style() == RenderStyle.PIXELATED) {
      pixelate(planes, size, Math.max(2, (int) Math.floor(2 * scale + 0.5)));
    }
    return finish(planes, size, scene.noiseSeed(), noiseAmplitude(scene.style()));
  }

  private static int noiseAmplitude(RenderStyle style) {
    return switch (style) {
      case PHOTO -> 3;
      case SKETCH -> 2;
      case PIXELATED -> 22;
      case NIGHT -> 7;
    };
  }

  // ---- background --------------------------------------------------------------------------

  private static void background(double[][] planes, int size, double scale, RenderStyle style, Background bg) {
    double[] base = rgb(bg.baseRgb());
    double[] line = rgb(bg.lineRgb());
    switch (style) {
      case NIGHT -> {
        for (int c = 0; c < 3; c++) {
          base[c] *= NIGHT_BACKGROUND[c];
          line[c] *= NIGHT_BACKGROUND[c];
        }
      }
      case SKETCH -> {
        for (int c = 0; c < 3; c++) {
          base[c] = 0.15 * base[c] + 0.85 * 250;
          line[c] = 0.8 * base[c];
        }
      }
      default -> { }
    }
    BackgroundPattern pattern = bg.pattern();
    double cos = StrictMath.cos(bg.angle());
    double sin = StrictMath.sin(bg.angle());
    int s = SUPERSAMPLING;
    int samplesPerSide = size * s;
    double[] wave = null;
    if (pattern == BackgroundPattern.WAVY || pattern == BackgroundPattern.ZIGZAG) {
      wave = new double[samplesPerSide];
      for (int i = 0; i < samplesPerSide; i++) {
        double along = (i + 0.5) / s / scale;
        double phase = along / bg.wavelength();
        wave[i] = pattern == BackgroundPattern.WAVY
            ? bg.amplitude() * StrictMath.sin(2 * Math.PI * phase)
            : bg.amplitude() * (4 * Math.abs(phase - Math.floor(phase) - 0.5) - 1);
      }
    }
    boolean vertical = bg.angle() != 0;
    double inv = 1.0 / (s * s);
    for (int py = 0; py < size; py++) {
      for (int px = 0; px < size; px++) {
        double t;
        if (pattern == BackgroundPattern.PLAIN) {
          double x = (px + 0.5) / scale - 16;
          double y = (py + 0.5) / scale - 16;
          double f = 1 + bg.amplitude() * (x * cos + y * sin) / 16;
          int k = py * size + px;
          for (int c = 0; c < 3; c++) {
            planes[c][k] = base[c] * f;
          }
          continue;
        }
        int count = 0;
        for (int sy = 0; sy < s; sy++) {
          for (int sx = 0; sx < s; sx++) {
            int ix = px * s + sx;
            int iy = py * s + sy;
            double x = (ix + 0.5) / s / scale;
            double y = (iy + 0.5) / s / scale;
            boolean on = switch (pattern) {
              case STRIPED -> frac((x * cos + y * sin + bg.phaseX()) / bg.period()) < 0.5;
              case CHECKERED -> {
                double u = x * cos + y * sin;
                double v = -x * sin + y * cos;
                yield ((long) Math.floor((u + bg.phaseX()) / bg.period())
                    + (long) Math.floor((v + bg.phaseY()) / bg.period()) & 1L) == 1L;
              }
              case DOTTED -> {
                double u = x * cos + y * sin;
                double v = -x * sin + y * cos;
                double fu = frac((u + bg.phaseX()) / bg.period()) - 0.5;
                double fv = frac((v + bg.phaseY()) / bg.period()) - 0.5;
                yield fu * fu + fv * fv < 0.3 * 0.3;
              }
              case GRID -> {
                double u = x * cos + y * sin;
                double v = -x * sin + y * cos;
                yield frac((u + bg.phaseX()) / bg.period()) * bg.period() < 1.1
                    || frac((v + bg.phaseY()) / bg.period()) * bg.period() < 1.1;
              }
              case WAVY, ZIGZAG -> {
                double across = vertical ? x : y;
                double bend = wave[vertical ? iy : ix];
                yield frac((across + bend + bg.phaseY()) / bg.period()) < 0.5;
              }
              case SPECKLED -> {
                long cell = SplitMix64.mix(bg.speckSeed() ^ SplitMix64.mix(
                    (long) Math.floor(x) * 0x9E3779B97F4A7C15L + (long) Math.floor(y)));
                yield (cell >>> 11) * 0x1.0p-53 < bg.period();
              }
              default -> throw new IllegalStateException("unknown pattern " + pattern);
            };
            if (on) {
              count++;
            }
          }
        }
        t = count * inv;
        int k = py * size + px;
        for (int c = 0; c < 3; c++) {
          planes[c][k] = base[c] + (line[c] - base[c]) * t;
        }
      }
    }
  }

  private static double frac(double v) {
    return v - Math.floor(v);
  }

  // ---- objects -----------------------------------------------------------------------------

  private static void object(double[][] planes, int size, double scale, RenderStyle style, ObjectShape shape, int rgb,
      Placement at) {
    double[] colour = rgb(rgb);
    boolean outline = style == RenderStyle.SKETCH;
    if (style == RenderStyle.NIGHT) {
      for (int c = 0; c < 3; c++) {
        colour[c] *= NIGHT_OBJECT[c];
      }
      colour[2] += NIGHT_OBJECT_BLUE_LIFT;
    } else if (outline) {
      for (int c = 0; c < 3; c++) {
        colour[c] *= 0.9;
      }
    }
    double radius = at.radius() * scale;
    double cx = at.centreX() * scale;
    double cy = at.centreY() * scale;
    double cos = StrictMath.cos(at.rotation());
    double sin = StrictMath.sin(at.rotation());
    double halfWidth = SKETCH_HALF_WIDTH * scale;
    double reach = radius + halfWidth + 2;
    int x0 = Math.max(0, (int) Math.floor(cx - reach));
    int x1 = Math.min(size - 1, (int) Math.ceil(cx + reach));
    int y0 = Math.max(0, (int) Math.floor(cy - reach));
    int y1 = Math.min(size - 1, (int) Math.ceil(cy + reach));
    int s = SUPERSAMPLING;
    for (int py = y0; py <= y1; py++) {
      for (int px = x0; px <= x1; px++) {
        double x = px + 0.5;
        double y = py + 0.5;
        double d = distance(shape, x, y, cx, cy, radius, cos, sin);
        double coverage;
        if (outline) {
          double a = Math.abs(d);
          if (a <= halfWidth - HALF_DIAGONAL) {
            coverage = 1;
          } else if (a >= halfWidth + HALF_DIAGONAL) {
            coverage = 0;
          } else {
            coverage = subsample(shape, px, py, cx, cy, radius, cos, sin, true, halfWidth);
          }
        } else if (d <= -HALF_DIAGONAL) {
          coverage = 1;
        } else if (d >= HALF_DIAGONAL) {
          coverage = 0;
        } else {
          coverage = subsample(shape, px, py, cx, cy, radius, cos, sin, false, 0);
        }
        if (coverage == 0) {
          continue;
        }
        double shade = 1;
        if (!outline) {
          double light = -((x - cx) + (y - cy)) * 0.7071067811865476 / radius;
          shade = 1 + SHADING * (light < -1 ? -1 : light > 1 ? 1 : light);
        }
        int k = py * size + px;
        for (int c = 0; c < 3; c++) {
          double fg = colour[c] * shade;
          planes[c][k] += (fg - planes[c][k]) * coverage;
        }
      }
    }
  }

  /** The signed distance in pixels from pixel-space point (x, y) to the placed shape's edge. */
  private static double distance(ObjectShape shape, double x, double y, double cx, double cy, double radius,
      double cos, double sin) {
    double dx = x - cx;
    double dy = y - cy;
    double ux = (dx * cos + dy * sin) / radius;
    double uy = (-dx * sin + dy * cos) / radius;
    return shape.signedDistance(ux, uy) * radius;
  }

  private static double subsample(ObjectShape shape, int px, int py, double cx, double cy, double radius, double cos,
      double sin, boolean outline, double halfWidth) {
    int s = SUPERSAMPLING;
    int count = 0;
    for (int sy = 0; sy < s; sy++) {
      for (int sx = 0; sx < s; sx++) {
        double d = distance(shape, px + (sx + 0.5) / s, py + (sy + 0.5) / s, cx, cy, radius, cos, sin);
        if (outline ? Math.abs(d) <= halfWidth : d <= 0) {
          count++;
        }
      }
    }
    return count / (double) (s * s);
  }

  // ---- finish ------------------------------------------------------------------------------

  private static void pixelate(double[][] planes, int size, int block) {
    for (int by = 0; by < size; by += block) {
      for (int bx = 0; bx < size; bx += block) {
        int yEnd = Math.min(size, by + block);
        int xEnd = Math.min(size, bx + block);
        int n = (yEnd - by) * (xEnd - bx);
        for (int c = 0; c < 3; c++) {
          double[] p = planes[c];
          double sum = 0;
          for (int y = by; y < yEnd; y++) {
            for (int x = bx; x < xEnd; x++) {
              sum += p[y * size + x];
            }
          }
          double mean = sum / n;
          for (int y = by; y < yEnd; y++) {
            for (int x = bx; x < xEnd; x++) {
              p[y * size + x] = mean;
            }
          }
        }
      }
    }
  }

  private static RgbImage finish(double[][] planes, int size, long noiseSeed, int amplitude) {
    SplitMix64 noise = new SplitMix64(noiseSeed);
    byte[] out = new byte[size * size * 3];
    int span = 2 * amplitude + 1;
    for (int k = 0; k < size * size; k++) {
      for (int c = 0; c < 3; c++) {
        double v = Math.floor(planes[c][k] + 0.5) + noise.nextInt(span) - amplitude;
        out[k * 3 + c] = (byte) (v < 0 ? 0 : v > 255 ? 255 : (int) v);
      }
    }
    return RgbImage.of(size, size, out);
  }

  private static double[] rgb(int packed) {
    return new double[] {packed >> 16 & 0xFF, packed >> 8 & 0xFF, packed & 0xFF};
  }
}
