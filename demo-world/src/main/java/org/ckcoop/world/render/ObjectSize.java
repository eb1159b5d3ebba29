package org.ckcoop.world.render;

/**
 * The two object sizes, as radii in reference units (the image is 32 units wide whatever its pixel
 * size). Even a small object is at least 7 units in radius, so that its shape stays legible at
 * 32 px.
 */
public enum ObjectSize {
  /** Radius 7 to 9.5 units. */
  SMALL("small", 7.0, 9.5),
  /** Radius 10.5 to 13 units. */
  LARGE("large", 10.5, 13.0);

  private final String word;
  private final double minRadius;
  private final double maxRadius;

  ObjectSize(String word, double minRadius, double maxRadius) {
    this.word = word;
    this.minRadius = minRadius;
    this.maxRadius = maxRadius;
  }

  /** Returns the word captions use ({@code "small"} or {@code "large"}). */
  public String word() {
    return word;
  }

  /** Returns the smallest radius in reference units. */
  public double minRadius() {
    return minRadius;
  }

  /** Returns the largest radius (exclusive) in reference units. */
  public double maxRadius() {
    return maxRadius;
  }
}
