package org.ckcoop.backbone.text;

import java.util.ArrayList;
import java.util.List;

/**
 * A deterministic caption corpus (CLIP prompt templates times class names, plus a few non-ASCII
 * captions) for training the tiny test vocabulary in {@code tiny-vocab/}.
 */
final class TinyCorpus {
  /** Merges learned for the committed {@code tiny-vocab/}. */
  static final int MERGES = 250;

  private static final String[] TEMPLATES = {
    "a photo of a {}.", "a bad photo of the {}.", "a photo of many {}.", "a sculpture of a {}.",
    "a rendering of a {}.", "graffiti of the {}.", "a cropped photo of the {}.",
    "a tattoo of a {}.", "a bright photo of a {}.", "a photo of a clean {}.",
    "a photo of a dirty {}.", "a dark photo of the {}.", "a drawing of a {}.",
    "a photo of my {}.", "the plastic {}.", "a close-up photo of a {}.", "itap of a {}.",
    "a low resolution photo of the {}.", "a pixelated photo of the {}.", "art of the {}.",
  };

  private static final String[] CLASSES = {
    "Abyssinian", "Bengal", "Birman", "Bombay", "British Shorthair", "Egyptian Mau",
    "Maine Coon", "Persian", "Ragdoll", "Russian Blue", "Siamese", "Sphynx", "beagle",
    "boxer", "chihuahua", "great pyrenees", "havanese", "keeshond", "leonberger", "pug",
    "samoyed", "shiba inu", "pink primrose", "globe thistle", "spear thistle", "sunflower",
    "Boeing 737-400", "F/A-18", "Airbus A320", "2012 Tesla Model S", "kit fox", "red admiral",
    "yellow lady's slipper", "dog's toy", "crème brûlée", "jalapeño", "猫", "狗", "Ελληνικά",
    "AT&amp;T logo",
  };

  private TinyCorpus() {}

  static List<String> captions() {
    List<String> out = new ArrayList<>(TEMPLATES.length * CLASSES.length);
    for (String template : TEMPLATES) {
      for (String name : CLASSES) {
        out.add(template.replace("{}", name));
      }
    }
    return out;
  }
}
