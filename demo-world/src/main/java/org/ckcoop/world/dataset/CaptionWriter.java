package org.ckcoop.world.dataset;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.ckcoop.world.render.BackgroundPattern;
import org.ckcoop.world.render.ObjectColour;
import org.ckcoop.world.render.ObjectShape;
import org.ckcoop.world.render.ObjectSize;
import org.ckcoop.world.render.RenderStyle;
import org.ckcoop.world.render.Scene;
import org.ckcoop.world.render.SplitMix64;

/**
 * Writes the caption of a scene: one of {@link #TEMPLATES} filled with the scene's attributes in
 * varied words.
 *
 * <p>Slots: {@code {S}} the style as a noun ("photo", "sketch", "pixelated photo", "night photo",
 * or a synonym), {@code {X}} the style as a suffix (nothing or " in a photo" for photos, ", sketched",
 * " in low resolution", " at night", ...), {@code {O}} the object ("red circle", with "small",
 * "large" or "big" in front 35% of the time), {@code {H}} the object without its colour, {@code {B}}
 * the background pattern; an {@code a} in front of a slot ({@code {aO}}) writes the matching
 * article ("a" or "an").
 *
 * <p>Every caption of a sketch, pixelated or night image names its style (as a noun or a suffix);
 * only photos may be captioned without one. So "a photo of a red circle." and "a red circle." are
 * photo captions, which is why a downstream dataset whose images all share another style, prompted
 * with "a photo of a {}.", leaves room for a learned context.
 */
public final class CaptionWriter {
  /** The caption templates, chosen uniformly. */
  public static final List<String> TEMPLATES = List.of(
      "{aS} of {aO}.",
      "{aS} of the {O}.",
      "{aS} of {aO} on {aB} background.",
      "{aS} showing {aO}.",
      "{aS} of {aO} against {aB} background.",
      "this is {aS} of {aO}.",
      "there is {aO} in this {S}.",
      "{aO} in {aS}.",
      "a close-up {S} of {aO}.",
      "{aS} of one {O}.",
      "{aS} of {aO} in front of {aB} background.",
      "{aS} of {aB} pattern with {aO}.",
      "{aS} of {aO} with {aB} background.",
      "{aO}{X}.",
      "{aO} on {aB} background{X}.",
      "the {O}{X}.",
      "{aO} in front of {aB} background{X}.",
      "{aB} background with {aO}{X}.",
      "{aO} and {aB} background{X}.",
      "one {O} on {aB} background{X}.",
      "{aB} pattern behind {aO}{X}.",
      "{aS} of {aH}.",
      "{aH} on {aB} background{X}.",
      "{aS} of {aB} background.",
      "{aS} of {aO}, {aB} background.");

  /** The probability that the object's size is named. */
  public static final double SIZE_MENTION = 0.35;

  private static final String[][] NOUNS = {
      {"photo", "photo", "photo", "picture", "image"},
      {"sketch", "sketch", "sketch", "drawing", "pencil sketch", "line drawing"},
      {"pixelated photo", "pixelated photo", "pixelated photo", "pixelated image", "low resolution photo",
          "noisy photo"},
      {"night photo", "night photo", "night photo", "dark photo", "night picture", "dark picture"}};
  private static final String[][] SUFFIXES = {
      {"", "", "", " in a photo"},
      {", sketched", " drawn in pencil", " in a sketch", ", a drawing"},
      {", pixelated", " in low resolution", " in a pixelated photo", ", noisy and pixelated"},
      {" at night", " in the dark", " in a night photo", ", photographed at night"}};
  private static final String[] SIZE_WORDS_LARGE = {"large", "large", "big"};

  private CaptionWriter() {}

  /** Returns a caption of {@code scene}, its wording drawn from {@code rng}. */
  public static String caption(Scene scene, SplitMix64 rng) {
    return compose(scene, rng).text();
  }

  /** A caption and the index of the template it was written from. */
  record Caption(int template, String text) {}

  /** Writes a caption of {@code scene}, its wording drawn from {@code rng}. */
  static Caption compose(Scene scene, SplitMix64 rng) {
    int template = rng.nextInt(TEMPLATES.size());
    String[] nouns = NOUNS[scene.style().ordinal()];
    String[] suffixes = SUFFIXES[scene.style().ordinal()];
    String noun = nouns[rng.nextInt(nouns.length)];
    String suffix = suffixes[rng.nextInt(suffixes.length)];
    boolean sizeNamed = rng.chance(SIZE_MENTION);
    String large = SIZE_WORDS_LARGE[rng.nextInt(SIZE_WORDS_LARGE.length)];
    String size = !sizeNamed ? "" : scene.size() == ObjectSize.SMALL ? "small" : large;
    return new Caption(template, fill(TEMPLATES.get(template), noun, suffix, size, scene.colour().word(),
        scene.shape().word(), scene.pattern().word()));
  }

  /**
   * Fills a template.
   *
   * @param size the size word, or an empty string to leave the size out
   */
  static String fill(String template, String noun, String suffix, String size, String colour, String shape,
      String pattern) {
    String object = (size.isEmpty() ? "" : size + " ") + colour + " " + shape;
    String bare = (size.isEmpty() ? "" : size + " ") + shape;
    StringBuilder out = new StringBuilder(template.length() + 40);
    int i = 0;
    while (i < template.length()) {
      char ch = template.charAt(i);
      if (ch != '{') {
        out.append(ch);
        i++;
        continue;
      }
      int end = template.indexOf('}', i);
      String slot = template.substring(i + 1, end);
      boolean article = slot.length() == 2 && slot.charAt(0) == 'a';
      String value = switch (article ? slot.substring(1) : slot) {
        case "S" -> noun;
        case "X" -> suffix;
        case "O" -> object;
        case "H" -> bare;
        case "B" -> pattern;
        default -> throw new IllegalStateException("unknown slot {" + slot + "} in template '" + template + "'");
      };
      if (article) {
        out.append(article(value)).append(' ');
      }
      out.append(value);
      i = end + 1;
    }
    return out.toString();
  }

  /** Returns the words and phrases that name a style in captions (its nouns and non-empty suffixes). */
  static List<String> styleNames(RenderStyle style) {
    Set<String> names = new LinkedHashSet<>(List.of(NOUNS[style.ordinal()]));
    for (String suffix : SUFFIXES[style.ordinal()]) {
      String phrase = suffix.replaceFirst("^,? ", "");
      if (!phrase.isEmpty()) {
        names.add(phrase);
      }
    }
    return List.copyOf(names);
  }

  /** Returns "an" before a vowel, else "a". */
  static String article(String word) {
    return "aeiou".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
  }

  /**
   * Returns captions that together use every template with every style noun and suffix, every
   * size word and every colour, shape and pattern word (each template is filled with all eight of
   * each): the corpus the mini-CLIP's vocabulary is built from. Deterministic, without duplicates.
   */
  public static List<String> vocabularyCorpus() {
    Set<String> captions = new LinkedHashSet<>();
    ObjectColour[] colours = ObjectColour.values();
    ObjectShape[] shapes = ObjectShape.values();
    BackgroundPattern[] patterns = BackgroundPattern.values();
    String[] sizes = {"", "small", "large", "big"};
    for (int t = 0; t < TEMPLATES.size(); t++) {
      for (RenderStyle style : RenderStyle.values()) {
        String[] nouns = NOUNS[style.ordinal()];
        String[] suffixes = SUFFIXES[style.ordinal()];
        int variants = Math.max(nouns.length, suffixes.length);
        for (int v = 0; v < variants; v++) {
          for (int z = 0; z < sizes.length; z++) {
            for (int j = 0; j < colours.length; j++) {
              captions.add(fill(TEMPLATES.get(t), nouns[v % nouns.length], suffixes[v % suffixes.length], sizes[z],
                  colours[j].word(), shapes[(j + v + z) % shapes.length].word(),
                  patterns[(j + 3 * v + z + t) % patterns.length].word()));
            }
          }
        }
      }
    }
    return new ArrayList<>(captions);
  }
}
