package org.ckcoop.world.render;

import java.util.Optional;

/**
 * Draws random {@link Scene}s. Every scene consumes the same random draws in the same order whatever
 * the request fixes, and all arithmetic is plain IEEE double arithmetic with {@link StrictMath}, so
 * a generator seeded alike gives the same scene on every machine.
 *
 * <p>Distribution (reference units, the image being 32 wide): shape, colour and pattern uniform;
 * size small or large with equal odds; radius uniform in the size's range; rotation uniform in
 * +-30 degrees; centre uniform where the object's circle keeps 1.5 units from the edges; object
 * colour jittered by up to +-16 per channel; background tones of a random hue, low saturation and
 * high value, the pattern tone 55-72% of the ground tone; a distractor of radius 2.5-3.5 in 20% of
 * scenes where one fits.
 */
public final class SceneSampler {
  /** The probability that a scene has a distractor (when one fits). */
  public static final double DISTRACTOR_PROBABILITY = 0.2;
  /** The largest rotation either way, in radians (30 degrees). */
  public static final double MAX_ROTATION = Math.PI / 6;
  private static final double MARGIN = 1.5;
  private static final int COLOUR_JITTER = 16;

  private SceneSampler() {}

  /** Draws a scene that satisfies {@code request}. */
  public static Scene sample(SplitMix64 rng, SceneRequest request) {
    ObjectShape shape = pick(rng, ObjectShape.values(), request.shape());
    ObjectColour colour = pick(rng, ObjectColour.values(), request.colour());
    RenderStyle style = pickStyle(rng, request.style());
    BackgroundPattern pattern = pick(rng, BackgroundPattern.values(), request.pattern());
    ObjectSize size = pick(rng, ObjectSize.values(), request.size());
    double radius = rng.uniform(size.minRadius(), size.maxRadius());
    double rotation = rng.uniform(-MAX_ROTATION, MAX_ROTATION);
    double cx = rng.uniform(radius + MARGIN, 32 - radius - MARGIN);
    double cy = rng.uniform(radius + MARGIN, 32 - radius - MARGIN);
    Placement object = new Placement(cx, cy, radius, rotation);
    int objectRgb = jitter(rng, colour.rgb());
    Background background = background(rng, pattern);
    Optional<Distractor> distractor = distractor(rng, object);
    long noiseSeed = rng.nextLong();
    return new Scene(shape, colour, size, style, objectRgb, object, background, distractor, noiseSeed);
  }

  private static <T> T pick(SplitMix64 rng, T[] values, Optional<T> fixed) {
    T drawn = values[rng.nextInt(values.length)];
    return fixed.orElse(drawn);
  }

  private static RenderStyle pickStyle(SplitMix64 rng, Optional<RenderStyle> fixed) {
    double u = rng.nextDouble();
    RenderStyle drawn = RenderStyle.values()[RenderStyle.values().length - 1];
    double sum = 0;
    for (RenderStyle s : RenderStyle.values()) {
      sum += SceneRequest.PRETRAINING_STYLE_WEIGHTS[s.ordinal()];
      if (u < sum) {
        drawn = s;
        break;
      }
    }
    return fixed.orElse(drawn);
  }

  private static int jitter(SplitMix64 rng, int rgb) {
    int r = clamp((rgb >> 16 & 0xFF) + rng.nextInt(2 * COLOUR_JITTER + 1) - COLOUR_JITTER);
    int g = clamp((rgb >> 8 & 0xFF) + rng.nextInt(2 * COLOUR_JITTER + 1) - COLOUR_JITTER);
    int b = clamp((rgb & 0xFF) + rng.nextInt(2 * COLOUR_JITTER + 1) - COLOUR_JITTER);
    return r << 16 | g << 8 | b;
  }

  private static int clamp(int v) {
    return v < 0 ? 0 : v > 255 ? 255 : v;
  }

  private static Background background(SplitMix64 rng, BackgroundPattern pattern) {
    double hue = rng.uniform(0, 360);
    double saturation = rng.uniform(0.06, 0.28);
    double value = rng.uniform(0.74, 0.93);
    double contrast = rng.uniform(0.55, 0.72);
    int base = hsv(hue, saturation, value);
    int line = hsv(hue, Math.min(1, saturation * 1.3), value * contrast);
    double anyAngle = rng.uniform(0, Math.PI);
    double tilt = rng.uniform(-Math.PI / 12, Math.PI / 12);
    boolean vertical = rng.chance(0.5);
    double u1 = rng.nextDouble();
    double u2 = rng.nextDouble();
    double u3 = rng.nextDouble();
    double u4 = rng.nextDouble();
    double u5 = rng.nextDouble();
    long speckSeed = rng.nextLong();
    double angle = 0;
    double period = 0;
    double amplitude = 0;
    double wavelength = 0;
    switch (pattern) {
      case STRIPED -> {
        angle = anyAngle;
        period = 5 + 3 * u1;
      }
      case DOTTED -> {
        angle = tilt;
        period = 5 + 2 * u1;
      }
      case CHECKERED -> {
        angle = tilt;
        period = 4 + 2.5 * u1;
      }
      case GRID -> {
        angle = tilt;
        period = 6 + 3 * u1;
      }
      case WAVY, ZIGZAG -> {
        angle = vertical ? Math.PI / 2 : 0;
        period = 5 + 2 * u1;
        amplitude = 1.5 + u4;
        wavelength = 10 + 4 * u5;
      }
      case SPECKLED -> period = 0.25 + 0.15 * u1;
      case PLAIN -> {
        angle = anyAngle;
        amplitude = 0.1 * u4;
      }
      default -> throw new IllegalStateException("unknown pattern " + pattern);
    }
    double phaseX = pattern == BackgroundPattern.SPECKLED || pattern == BackgroundPattern.PLAIN ? 0 : u2 * period;
    double phaseY = pattern == BackgroundPattern.SPECKLED || pattern == BackgroundPattern.PLAIN ? 0 : u3 * period;
    return new Background(pattern, base, line, angle, period, phaseX, phaseY, amplitude, wavelength, speckSeed);
  }

  private static Optional<Distractor> distractor(SplitMix64 rng, Placement object) {
    boolean present = rng.chance(DISTRACTOR_PROBABILITY);
    ObjectShape shape = ObjectShape.values()[rng.nextInt(ObjectShape.values().length)];
    ObjectColour colour = ObjectColour.values()[rng.nextInt(ObjectColour.values().length)];
    int rgb = jitter(rng, colour.rgb());
    double radius = rng.uniform(2.5, 3.5);
    double rotation = rng.uniform(-MAX_ROTATION, MAX_ROTATION);
    Placement found = null;
    for (int attempt = 0; attempt < 12; attempt++) {
      double x = rng.uniform(radius + 1, 32 - radius - 1);
      double y = rng.uniform(radius + 1, 32 - radius - 1);
      double dx = x - object.centreX();
      double dy = y - object.centreY();
      double gap = object.radius() + radius + 1.5;
      if (found == null && dx * dx + dy * dy >= gap * gap) {
        found = new Placement(x, y, radius, rotation);
      }
    }
    return present && found != null ? Optional.of(new Distractor(shape, rgb, found)) : Optional.empty();
  }

  /** HSV (hue in degrees, saturation and value in [0, 1]) to {@code 0xRRGGBB}, rounding half up. */
  static int hsv(double hue, double saturation, double value) {
    double c = value * saturation;
    double h = hue / 60;
    double x = c * (1 - Math.abs(h % 2 - 1));
    double r;
    double g;
    double b;
    if (h < 1) {
      r = c; g = x; b = 0;
    } else if (h < 2) {
      r = x; g = c; b = 0;
    } else if (h < 3) {
      r = 0; g = c; b = x;
    } else if (h < 4) {
      r = 0; g = x; b = c;
    } else if (h < 5) {
      r = x; g = 0; b = c;
    } else {
      r = c; g = 0; b = x;
    }
    double m = value - c;
    return channel(r + m) << 16 | channel(g + m) << 8 | channel(b + m);
  }

  private static int channel(double v) {
    return clamp((int) Math.floor(v * 255 + 0.5));
  }
}
