package org.ckcoop.world.render;

import java.util.Objects;

/**
 * A tiny second object that captions never mention, drawn in the scene's style: clutter that the
 * image encoder must learn to look past.
 *
 * @param shape its shape
 * @param rgb its colour, {@code 0xRRGGBB}
 * @param placement where it is (it never overlaps the main object)
 */
public record Distractor(ObjectShape shape, int rgb, Placement placement) {

  /** Checks the components are present. */
  public Distractor {
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(placement, "placement");
  }
}
