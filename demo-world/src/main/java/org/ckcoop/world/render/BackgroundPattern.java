package org.ckcoop.world.render;

/**
 * The background patterns, in the order of their words (so that their ordinal is their sorted
 * position, as a class label would be).
 */
public enum BackgroundPattern {
  /** Two-tone squares, nearly axis-aligned. */
  CHECKERED("checkered"),
  /** A lattice of round dots. */
  DOTTED("dotted"),
  /** Thin lines in two directions. */
  GRID("grid"),
  /** One tone with a faint gradient. */
  PLAIN("plain"),
  /** Random specks of one reference unit. */
  SPECKLED("speckled"),
  /** Straight bands at any angle. */
  STRIPED("striped"),
  /** Bands bent by a sine. */
  WAVY("wavy"),
  /** Bands bent by a triangle wave. */
  ZIGZAG("zigzag");

  private final String word;

  BackgroundPattern(String word) {
    this.word = word;
  }

  /** Returns the word captions use, e.g. {@code "striped"}. */
  public String word() {
    return word;
  }
}
