package org.ckcoop.world.render;

import java.util.Objects;

/**
 * A scene's background: a pattern in two tones and its geometry, in reference units. Which
 * parameters a pattern uses is listed on {@link BackgroundPattern}; the others are still drawn, so
 * that every background consumes the same random draws.
 *
 * @param pattern the pattern
 * @param baseRgb the ground tone, {@code 0xRRGGBB}
 * @param lineRgb the tone of stripes, dots, squares, lines or specks, {@code 0xRRGGBB}
 * @param angle orientation in radians (stripes, checks, grid, waves)
 * @param period repeat length (or speck density in {@code (0, 1)} for {@link BackgroundPattern#SPECKLED})
 * @param phaseX offset along the pattern
 * @param phaseY offset across the pattern
 * @param amplitude how far waves and zigzags bend, or the gradient strength of a plain background
 * @param wavelength length of one wave or zigzag
 * @param speckSeed seed of the specks
 */
public record Background(BackgroundPattern pattern, int baseRgb, int lineRgb, double angle, double period,
    double phaseX, double phaseY, double amplitude, double wavelength, long speckSeed) {

  /** Checks the pattern is present. */
  public Background {
    Objects.requireNonNull(pattern, "pattern");
  }
}
