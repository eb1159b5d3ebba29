package org.ckcoop.world.render;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link SceneSampler} must hold fixed: any of shape, colour, background pattern, size and
 * style; the rest is drawn at random. Unfixed styles follow {@link #PRETRAINING_STYLE_WEIGHTS}.
 * Immutable; {@code with...} methods return changed copies.
 */
public final class SceneRequest {
  /**
   * How often each {@link RenderStyle} occurs when the style is not fixed, in ordinal order:
   * photo 40%, sketch 20%, pixelated 20%, night 20%.
   */
  public static final double[] PRETRAINING_STYLE_WEIGHTS = {0.4, 0.2, 0.2, 0.2};

  private static final SceneRequest ANY = new SceneRequest(null, null, null, null, null);

  private final ObjectShape shape;
  private final ObjectColour colour;
  private final BackgroundPattern pattern;
  private final ObjectSize size;
  private final RenderStyle style;

  private SceneRequest(ObjectShape shape, ObjectColour colour, BackgroundPattern pattern, ObjectSize size,
      RenderStyle style) {
    this.shape = shape;
    this.colour = colour;
    this.pattern = pattern;
    this.size = size;
    this.style = style;
  }

  /** Returns the request that fixes nothing (the pretraining distribution). */
  public static SceneRequest any() {
    return ANY;
  }

  /** Returns this request with the shape fixed. */
  public SceneRequest withShape(ObjectShape value) {
    return new SceneRequest(Objects.requireNonNull(value, "shape"), colour, pattern, size, style);
  }

  /** Returns this request with the colour fixed. */
  public SceneRequest withColour(ObjectColour value) {
    return new SceneRequest(shape, Objects.requireNonNull(value, "colour"), pattern, size, style);
  }

  /** Returns this request with the background pattern fixed. */
  public SceneRequest withPattern(BackgroundPattern value) {
    return new SceneRequest(shape, colour, Objects.requireNonNull(value, "pattern"), size, style);
  }

  /** Returns this request with the size fixed. */
  public SceneRequest withSize(ObjectSize value) {
    return new SceneRequest(shape, colour, pattern, Objects.requireNonNull(value, "size"), style);
  }

  /** Returns this request with the style fixed. */
  public SceneRequest withStyle(RenderStyle value) {
    return new SceneRequest(shape, colour, pattern, size, Objects.requireNonNull(value, "style"));
  }

  /** Returns the fixed shape, if any. */
  public Optional<ObjectShape> shape() {
    return Optional.ofNullable(shape);
  }

  /** Returns the fixed colour, if any. */
  public Optional<ObjectColour> colour() {
    return Optional.ofNullable(colour);
  }

  /** Returns the fixed pattern, if any. */
  public Optional<BackgroundPattern> pattern() {
    return Optional.ofNullable(pattern);
  }

  /** Returns the fixed size, if any. */
  public Optional<ObjectSize> size() {
    return Optional.ofNullable(size);
  }

  /** Returns the fixed style, if any. */
  public Optional<RenderStyle> style() {
    return Optional.ofNullable(style);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SceneRequest r && r.shape == shape && r.colour == colour && r.pattern == pattern
        && r.size == size && r.style == style;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new Object[] {shape, colour, pattern, size, style});
  }

  @Override
  public String toString() {
    return "SceneRequest[shape=" + shape + ", colour=" + colour + ", pattern=" + pattern + ", size=" + size
        + ", style=" + style + "]";
  }
}
