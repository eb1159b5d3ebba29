package org.ckcoop.backbone.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link BpeTrainer}: merges, tie-breaking, determinism and round trips. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BpeTrainerTest {
  private static List<String> merges(BpeVocabulary v) {
    return v.merges().stream().map(BpeMerge::toString).toList();
  }

  @Test
  void mostFrequentPairIsMergedFirst() {
    // Words: "aa" x3 -> [a, a</w>]; "ab" x1 -> [a, b</w>].
    BpeVocabulary v = BpeTrainer.train(List.of("aa aa aa", "ab"), 10);
    assertThat(merges(v)).containsExactly("a a</w>", "a b</w>"); // then no pair is left
    assertThat(v.size()).isEqualTo(512 + 2 + 2);
    assertThat(v.token(512)).isEqualTo("aa</w>");
    assertThat(v.token(514)).isEqualTo(BpeVocabulary.START_OF_TEXT);
    assertThat(v.token(515)).isEqualTo(BpeVocabulary.END_OF_TEXT);
  }

  @Test
  void tiesGoToTheSmallerLeftThenRightSymbol() {
    assertThat(merges(BpeTrainer.train(List.of("cd ab"), 1))).containsExactly("a b</w>");
    assertThat(merges(BpeTrainer.train(List.of("ac ab"), 1))).containsExactly("a b</w>");
    // "aaa" -> [a, a, a</w>]: (a, a) and (a, a</w>) both occur once; "a" < "a</w>".
    assertThat(merges(BpeTrainer.train(List.of("aaa"), 2)))
        .containsExactly("a a", "aa a</w>");
  }

  @Test
  void pairsAreCountedAtEveryPositionAndWeightedByWordFrequency() {
    // "aaaa" x2: (a, a) at 2 positions per word = 4; "bc" x3: (b, c</w>) = 3.
    BpeVocabulary v = BpeTrainer.train(List.of("aaaa bc aaaa bc bc"), 1);
    assertThat(merges(v)).containsExactly("a a");
    // Merged left to right without overlap: [a, a, a, a</w>] -> [aa, a, a</w>].
    assertThat(ClipTokenizer.of(v).encode("aaaa"))
        .containsExactly(512, v.id("a"), v.id("a</w>"));
  }

  @Test
  void specialTokensAndCaseAreHandledLikeTheTokenizer() {
    BpeVocabulary v = BpeTrainer.train(List.of("<|startoftext|>AB ab<|endoftext|>"), 5);
    assertThat(merges(v)).containsExactly("a b</w>");
  }

  @Test
  void multiByteCharactersAreMergedFromTheirBytes() {
    BpeVocabulary v = BpeTrainer.train(List.of("猫 猫"), 10);
    ClipTokenizer t = ClipTokenizer.of(v);
    assertThat(t.encode("猫")).hasSize(1);
    assertThat(t.decode(t.encode("猫"))).isEqualTo("猫 ");
    assertThat(merges(v)).hasSize(2); // three UTF-8 bytes, two merges
  }

  @Test
  void trainingIsDeterministicAndIndependentOfCorpusOrder() {
    List<String> corpus = new ArrayList<>(TinyCorpus.captions());
    BpeVocabulary first = BpeTrainer.train(corpus, 120);
    Collections.shuffle(corpus, new Random(3));
    BpeVocabulary second = BpeTrainer.train(corpus, 120);
    assertThat(second).isEqualTo(first);
    assertThat(second.identity()).isEqualTo(first.identity());
    assertThat(first.merges()).hasSize(120);
    // A prefix of a longer run: stopping earlier gives the first merges of a longer training.
    assertThat(BpeTrainer.train(corpus, 200).merges().subList(0, 120))
        .isEqualTo(first.merges());
  }

  @Test
  void stopsWhenNoPairIsFrequentEnough() {
    BpeVocabulary all = BpeTrainer.train(TinyCorpus.captions(), 100_000);
    assertThat(all.merges().size()).isLessThan(400).isGreaterThan(TinyCorpus.MERGES);
    // With every pair merged, each corpus word is a single token.
    ClipTokenizer t = ClipTokenizer.of(all);
    assertThat(t.encode("a photo of a Maine Coon")).hasSize(6);

    BpeVocabulary frequentOnly = BpeTrainer.train(TinyCorpus.captions(), 100_000, 100);
    assertThat(frequentOnly.merges().size()).isPositive().isLessThan(all.merges().size());
    assertThat(BpeTrainer.train(List.of("ab"), 10, 2).merges()).isEmpty();
    assertThat(BpeTrainer.train(List.of(), 10).size()).isEqualTo(514);
  }

  @Test
  void writeAndReadRoundTrip(@TempDir Path dir) {
    BpeVocabulary v = BpeTrainer.train(TinyCorpus.captions(), 150);
    v.writeHuggingFace(dir);
    ClipTokenizer back = ClipTokenizer.fromFolder(dir);
    assertThat(back.vocabulary()).isEqualTo(v);
    assertThat(back.identity()).isEqualTo(v.identity());
    assertThat(back.vocabularySize()).isEqualTo(512 + 150 + 2);
  }

  @Test
  void encodeDecodeRoundTripsOnTheCorpus() {
    ClipTokenizer t = ClipTokenizer.of(BpeTrainer.train(TinyCorpus.captions(), 150));
    for (String caption : TinyCorpus.captions()) {
      int[] ids = t.encode(caption);
      StringBuilder pieces = new StringBuilder();
      for (String p : PreTokenizer.split(TextCleaner.clean(caption))) {
        pieces.append(p).append(' ');
      }
      String decoded = t.decode(ids);
      assertThat(decoded).as(caption).isEqualTo(pieces.toString());
      assertThat(t.encode(decoded)).as(caption).containsExactly(ids);
    }
  }

  @Test
  void rejectsInvalidArguments() {
    assertThatThrownBy(() -> BpeTrainer.train(List.of("a"), -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BpeTrainer.train(List.of("a"), 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
