package org.ckcoop.world.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.ckcoop.world.render.RenderStyle;
import org.ckcoop.world.render.Scene;
import org.ckcoop.world.render.SplitMix64;
import org.junit.jupiter.api.Test;

/** Captions use every template, say what is in the image, and their words are all in the vocabulary corpus. */
class CaptionWriterTest {
  static final Pattern WORDS = Pattern.compile("[^a-z-]+");
  final WorldCorpus corpus = new WorldCorpus(1, 32);

  static Set<String> words(String text) {
    Set<String> words = new HashSet<>(Arrays.asList(WORDS.split(text)));
    words.remove("");
    return words;
  }

  @Test
  void everyTemplateIsUsedAndEveryStyleNamed() {
    boolean[] used = new boolean[CaptionWriter.TEMPLATES.size()];
    int sized = 0;
    int n = 4000;
    for (int i = 0; i < n; i++) {
      Scene scene = corpus.scene(i);
      CaptionWriter.Caption caption = CaptionWriter.compose(scene, new SplitMix64(i));
      used[caption.template()] = true;
      String text = caption.text();
      assertThat(text).endsWith(".").doesNotContain("{").doesNotContain("  ").doesNotContain(" .")
          .doesNotContainPattern("\\ba [aeiou]").doesNotContainPattern("\\ban [^aeiou]");
      if (text.contains(" small ") || text.contains(" large ") || text.contains(" big ")) {
        sized++;
      }
      String template = CaptionWriter.TEMPLATES.get(caption.template());
      if (template.contains("O}")) {
        assertThat(text).contains(scene.colour().word() + " " + scene.shape().word());
      }
      if (template.contains("H}")) {
        assertThat(text).contains(scene.shape().word()).doesNotContain(scene.colour().word());
      }
      if (template.contains("B}")) {
        assertThat(text).contains(scene.pattern().word() + " ");
      }
      if (scene.style() != RenderStyle.PHOTO) {
        assertThat(CaptionWriter.styleNames(scene.style())).as(text).anyMatch(text::contains);
      }
      for (RenderStyle other : RenderStyle.values()) {
        if (other != scene.style() && other != RenderStyle.PHOTO) {
          assertThat(CaptionWriter.styleNames(other)).as(text).noneMatch(text::contains);
        }
      }
    }
    for (int t = 0; t < used.length; t++) {
      assertThat(used[t]).as(CaptionWriter.TEMPLATES.get(t)).isTrue();
    }
    assertThat(CaptionWriter.TEMPLATES).hasSizeGreaterThanOrEqualTo(20);
    assertThat(sized / (double) n).isBetween(0.3, 0.4);
  }

  @Test
  void theVocabularyCorpusCoversEveryCaptionAndPromptWord() {
    Set<String> vocabulary = new HashSet<>();
    corpus.vocabularyCorpus().forEach(c -> vocabulary.addAll(words(c)));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 20_000; i++) {
      seen.addAll(words(corpus.caption(i)));
    }
    for (DatasetRecipe recipe : WorldDatasets.standardRecipes()) {
      recipe.classNames().forEach(c -> seen.addAll(words(recipe.template().replace("{}", c))));
    }
    assertThat(vocabulary).containsAll(seen);
    // and nothing captions never use
    assertThat(seen).containsAll(vocabulary);
    assertThat(vocabulary).contains("close-up", "orange", "zigzag", "pixelated", "night", "pencil", "an");
    List<String> list = corpus.vocabularyCorpus();
    assertThat(new HashSet<>(list)).hasSameSizeAs(list);
    for (String template : CaptionWriter.TEMPLATES) {
      // every template's fixed text occurs in the corpus
      String fixed = template.replaceAll("\\{a?[SXOHB]}", "\u0000");
      String[] pieces = fixed.split("\u0000");
      assertThat(list).as(template).anyMatch(c -> Arrays.stream(pieces).allMatch(c::contains));
    }
  }

  @Test
  void goldenCaptions() throws Exception {
    // Any change here changes every world: bump WorldCorpus.GENERATOR_VERSION with the new values.
    assertThat(corpus.caption(0)).isEqualTo("an orange star in a photo.");
    assertThat(corpus.caption(1)).isEqualTo("a striped background with a pink square in a sketch.");
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    for (int i = 0; i < 1000; i++) {
      digest.update((corpus.caption(i) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo("2c5e9498aea70f76bd75430344ee23fd34f99be078c344d4598eabb607726f62");
    MessageDigest vocabulary = MessageDigest.getInstance("SHA-256");
    for (String c : corpus.vocabularyCorpus()) {
      vocabulary.update((c + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    assertThat(HexFormat.of().formatHex(vocabulary.digest())).isEqualTo("4615f0ea6d4e26365ee22544ec84d4ececc55d42a6416871cae123308984938e");
  }
}
