package org.ckcoop.world.render;

import java.util.Objects;
import java.util.Optional;

/**
 * Everything that determines one image of the world: the object's attributes (what captions and
 * class names talk about) and the nuisance values (jittered colour, place, rotation, background
 * tones, distractor, noise). {@link SceneRenderer} draws it identically on every machine.
 *
 * @param shape the object's shape
 * @param colour the object's named colour
 * @param size the object's size class
 * @param style the rendering style (domain)
 * @param objectRgb the object's colour after jitter, before the style's palette, {@code 0xRRGGBB}
 * @param object where the object is
 * @param background the background
 * @param distractor the unmentioned tiny object, if any
 * @param noiseSeed seed of the per-pixel noise
 */
public record Scene(ObjectShape shape, ObjectColour colour, ObjectSize size, RenderStyle style, int objectRgb,
    Placement object, Background background, Optional<Distractor> distractor, long noiseSeed) {

  /** Checks the components are present. */
  public Scene {
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(colour, "colour");
    Objects.requireNonNull(size, "size");
    Objects.requireNonNull(style, "style");
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(background, "background");
    Objects.requireNonNull(distractor, "distractor");
  }

  /** Returns the background pattern. */
  public BackgroundPattern pattern() {
    return background.pattern();
  }
}
