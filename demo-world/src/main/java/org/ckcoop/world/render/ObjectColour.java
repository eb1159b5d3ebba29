package org.ckcoop.world.render;

/**
 * The named colours of the world's objects, each with the RGB value it is drawn in before jitter
 * and style. Chosen to be far apart in hue so that colour is easy to learn; in the night palette
 * some of them move towards each other (cyan towards blue, pink towards purple, orange towards
 * brown), which is part of what makes the night datasets hard for a prompt that does not say
 * "night".
 */
public enum ObjectColour {
  /** Blue. */
  BLUE("blue", 40, 80, 220),
  /** Cyan. */
  CYAN("cyan", 30, 195, 210),
  /** Green. */
  GREEN("green", 40, 165, 55),
  /** Orange. */
  ORANGE("orange", 245, 135, 25),
  /** Pink. */
  PINK("pink", 245, 125, 185),
  /** Purple. */
  PURPLE("purple", 135, 55, 185),
  /** Red. */
  RED("red", 215, 35, 35),
  /** Yellow. */
  YELLOW("yellow", 240, 215, 35);

  private final String word;
  private final int rgb;

  ObjectColour(String word, int r, int g, int b) {
    this.word = word;
    this.rgb = r << 16 | g << 8 | b;
  }

  /** Returns the word captions use, e.g. {@code "red"}. */
  public String word() {
    return word;
  }

  /** Returns the base colour packed as {@code 0xRRGGBB}. */
  public int rgb() {
    return rgb;
  }
}
