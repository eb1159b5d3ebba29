package org.ckcoop.world.render;

/**
 * How a scene is drawn: the world's domains. The same scene (shape, colour, size, place, background)
 * looks different in each style, as a photo, a sketch and a painting of one object do.
 */
public enum RenderStyle {
  /** Filled, shaded object on a patterned background, slight sensor noise. */
  PHOTO("photo"),
  /** Coloured pencil outline on paper; the background pattern only faintly traced. */
  SKETCH("sketch"),
  /** A photo reduced to blocks of 2x2 reference units, with strong noise. */
  PIXELATED("pixelated"),
  /** A photo in a dark, blue-shifted palette with grain: colours shift and partly merge. */
  NIGHT("night");

  private final String word;

  RenderStyle(String word) {
    this.word = word;
  }

  /** Returns a short lower-case name ({@code "photo"}, {@code "sketch"}, ...). */
  public String word() {
    return word;
  }
}
