package org.ckcoop.backbone.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link TextCleaner} and {@link PreTokenizer} against outputs of the Python reference's cleaning
 * and split (with NFC in place of ftfy), printed by Python.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TextCleanerTest {
  /** Input, then the cleaned text. */
  private static final String[][] CLEAN = {
      {"  Hello   World  ", "hello world"},
      {"\u001c a \u001c", "a"},
      {"a\u001c b", "a\u001c b"},
      {"\u001c\u001d", ""},
      {"a\u00a0\u3000b", "a b"},
      {"\t\n a\r\nb \u2028", "a b"},
      {"&nbsp;x&nbsp;", "x"},
      {"&amp;nbsp;x", "x"},
      {"\u039f\u0394\u039f\u03a3", "\u03bf\u03b4\u03bf\u03c2"},
      {"A^\u03a3", "a^\u03c2"},
      {"\u03a3^b", "\u03c3^b"},
      {"A.\u03a3", "a.\u03c2"},
      {"A\u03a3'", "a\u03c2'"},
      {"\u0391\u03a3'\u0392", "\u03b1\u03c3'\u03b2"},
      {"1\u03a3", "1\u03c3"},
      {"\u03a3\u03a3", "\u03c3\u03c2"},
      {"\u0130", "i\u0307"},
      {"KELVIN \u212a", "kelvin k"},
      {"cre\u0300me", "cr\u00e8me"},
      {"&#x65;&#x301;", "e\u0301"},
      {"\ud800x", "\ufffdx"},
      {"a\udc00", "a\ufffd"},
      {"A\u200bB", "a\u200bb"},
      {"\u01c5", "\u01c6"},
      {"Stra\u00dfe", "stra\u00dfe"},
  };

  /** Input, then the pre-tokens of its cleaned text. */
  private static final Object[][] SPLIT = {
      {"a photo of a dog's toy.", new String[] {"a", "photo", "of", "a", "dog", "'s", "toy", "."}},
      {"it'S", new String[] {"it", "'s"}},
      {"'\u017f", new String[] {"'\u017f"}},
      {"<|\u017ftartoftext|>x", new String[] {"<|\u017ftartoftext|>", "x"}},
      {"!!'s", new String[] {"!!'", "s"}},
      {"x'sa", new String[] {"x", "'s", "a"}},
      {"don't", new String[] {"don", "'t"}},
      {"a\u0345b", new String[] {"a", "b"}},
      {"Boeing 737-400", new String[] {"boeing", "7", "3", "7", "-", "4", "0", "0"}},
      {"1st", new String[] {"1", "st"}},
      {"\u732b and \u72d7", new String[] {"\u732b", "and", "\u72d7"}},
      {"<|endoftext|><|endoftext|>", new String[] {"<|endoftext|>", "<|endoftext|>"}},
      {"a<|startoftext|>", new String[] {"a", "<|startoftext|>"}},
      {"</w>", new String[] {"</", "w", ">"}},
      {"e\u0301", new String[] {"\u00e9"}},
      {"\u00b2\u00b3", new String[] {"\u00b2", "\u00b3"}},
      {"ab12cd", new String[] {"ab", "1", "2", "cd"}},
      {"\u001cx", new String[] {"x"}},
      {"hello,world!?", new String[] {"hello", ",", "world", "!?"}},
  };

  @Test
  void cleaningMatchesPython() {
    for (String[] c : CLEAN) {
      assertThat(TextCleaner.clean(c[0])).as(ReferenceCases.escape(c[0])).isEqualTo(c[1]);
    }
  }

  @Test
  void splitMatchesPython() {
    for (Object[] c : SPLIT) {
      String text = (String) c[0];
      assertThat(PreTokenizer.split(TextCleaner.clean(text)))
          .as(ReferenceCases.escape(text))
          .containsExactly((String[]) c[1]);
    }
  }

  @Test
  void pythonLowerDiffersFromJavaWhereJavaUsesWordBoundaries() {
    // Java's String.toLowerCase decides final sigma with word boundaries; Python skips
    // case-ignorable characters such as '^' (Sk).
    assertThat("A^\u03a3".toLowerCase(java.util.Locale.ROOT)).isEqualTo("a^\u03c3");
    assertThat(TextCleaner.pythonLower("A^\u03a3")).isEqualTo("a^\u03c2");
  }

  @Test
  void surrogatePairsAreKeptAndUnpairedOnesReplaced() {
    assertThat(TextCleaner.replaceUnpairedSurrogates("\ud83d\ude00")).isEqualTo("\ud83d\ude00");
    assertThat(TextCleaner.replaceUnpairedSurrogates("\ude00\ud83d")).isEqualTo("\ufffd\ufffd");
    assertThat(TextCleaner.replaceUnpairedSurrogates("x\ud83d")).isEqualTo("x\ufffd");
  }

  @Test
  void whitespaceCollapseKeepsNonWhiteSpaceControls() {
    assertThat(TextCleaner.collapseWhiteSpace("a \t\u0085b\u001cc  ")).isEqualTo("a b\u001cc ");
    String single = "already clean";
    assertThat(TextCleaner.collapseWhiteSpace(single)).isSameAs(single);
  }
}
