package org.ckcoop.backbone.text;

import java.util.ArrayList;
import java.util.List;

/**
 * The reference's split of cleaned text into pre-tokens: {@code regex.findall} with
 *
 * <pre>
 * &lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
 * </pre>
 *
 * <p>compiled with {@code regex.IGNORECASE}, implemented as a scanner that reproduces the
 * {@code regex} module's behaviour exactly (checked code point by code point against it):
 *
 * <ul>
 *   <li>the alternatives are tried in order at each position; whitespace ({@code \s} is Unicode
 *       White_Space) is skipped;
 *   <li>case-insensitive literals match ASCII letters in either case, and the literal {@code s}
 *       also matches U+017F LATIN SMALL LETTER LONG S (simple case folding), so {@code "'ſ"} is a
 *       pre-token like {@code "'s"};
 *   <li>{@code \p{L}} is {@link Character#isLetter(int)}, {@code \p{N}} the categories Nd, Nl and No;
 *   <li>U+0345 COMBINING GREEK YPOGEGRAMMENI case-folds to a letter, so under IGNORECASE it matches
 *       neither {@code [\p{L}]} nor the negated class: the reference silently drops it, and so does
 *       this scanner.
 * </ul>
 *
 * <p>A regular expression in Java could not express the U+0345 quirk, and the scanner is faster.
 */
final class PreTokenizer {
  static final String START_OF_TEXT = "<|startoftext|>";
  static final String END_OF_TEXT = "<|endoftext|>";

  private static final String[] LITERALS = {
    START_OF_TEXT, END_OF_TEXT, "'s", "'t", "'re", "'ve", "'m", "'ll", "'d"
  };

  private static final int YPOGEGRAMMENI = 0x345;

  private PreTokenizer() {}

  /** Splits cleaned text into pre-tokens, in order. */
  static List<String> split(String text) {
    List<String> out = new ArrayList<>();
    int n = text.length();
    int i = 0;
    while (i < n) {
      int c = text.codePointAt(i);
      int literal = matchLiteral(text, i);
      if (literal > 0) {
        out.add(text.substring(i, i + literal));
        i += literal;
      } else if (Character.isLetter(c)) {
        int j = i + Character.charCount(c);
        while (j < n) {
          int d = text.codePointAt(j);
          if (!Character.isLetter(d)) {
            break;
          }
          j += Character.charCount(d);
        }
        out.add(text.substring(i, j));
        i = j;
      } else if (isNumber(c)) {
        int j = i + Character.charCount(c);
        out.add(text.substring(i, j));
        i = j;
      } else if (isOther(c)) {
        int j = i + Character.charCount(c);
        while (j < n) {
          int d = text.codePointAt(j);
          if (!isOther(d)) {
            break;
          }
          j += Character.charCount(d);
        }
        out.add(text.substring(i, j));
        i = j;
      } else {
        i += Character.charCount(c); // whitespace or U+0345: no alternative matches
      }
    }
    return out;
  }

  /** {@code \p{N}}: decimal digits, letter numbers and other numbers. */
  static boolean isNumber(int c) {
    int type = Character.getType(c);
    return type == Character.DECIMAL_DIGIT_NUMBER
        || type == Character.LETTER_NUMBER
        || type == Character.OTHER_NUMBER;
  }

  /** {@code [^\s\p{L}\p{N}]} under IGNORECASE. */
  private static boolean isOther(int c) {
    return !TextCleaner.isWhiteSpace(c)
        && !Character.isLetter(c)
        && !isNumber(c)
        && c != YPOGEGRAMMENI;
  }

  /** Length of the first literal alternative matching at {@code i}, or 0. */
  private static int matchLiteral(String text, int i) {
    char first = text.charAt(i);
    if (first != '\'' && first != '<') {
      return 0;
    }
    for (String literal : LITERALS) {
      if (literal.charAt(0) == first && regionMatchesIgnoreCase(text, i, literal)) {
        return literal.length();
      }
    }
    return 0;
  }

  private static boolean regionMatchesIgnoreCase(String text, int start, String literal) {
    if (start + literal.length() > text.length()) {
      return false;
    }
    for (int k = 0; k < literal.length(); k++) {
      char expected = literal.charAt(k);
      char actual = text.charAt(start + k);
      if (actual != expected
          && !(expected >= 'a' && expected <= 'z' && actual == expected - ('a' - 'A'))
          && !(expected == 's' && actual == '\u017F')) {
        return false;
      }
    }
    return true;
  }
}
