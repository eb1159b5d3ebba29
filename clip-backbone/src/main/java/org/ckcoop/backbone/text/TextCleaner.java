package org.ckcoop.backbone.text;

import java.text.Normalizer;

/**
 * The text cleaning of CLIP's reference tokenizer: {@code whitespace_clean(basic_clean(text))
 * .lower()}, with Python semantics for every step.
 *
 * <ol>
 *   <li>Instead of {@code ftfy.fix_text}: unpaired surrogates become U+FFFD (as ftfy's {@code
 *       fix_surrogates} does), then Unicode NFC ({@link Normalizer.Form#NFC}), which is ftfy's last
 *       step. The other ftfy repairs (mojibake, curly quotes, ligatures, full-width characters,
 *       terminal escapes, one extra HTML unescape when the text has no {@code <}) are not
 *       reproduced; CLIP's prompts and captions rarely need them, and none of them is stable
 *       across ftfy versions.
 *   <li>{@code html.unescape} twice ({@link HtmlUnescaper}).
 *   <li>Python {@code str.strip()}: removes the 29 characters for which {@code str.isspace()} is
 *       true (this includes U+001C..U+001F, which are not Unicode White_Space).
 *   <li>Runs of {@code \s} of the {@code regex} module (the 25 Unicode White_Space characters)
 *       become one space, then {@code strip()} again.
 *   <li>Python {@code str.lower()}: full lower-case mapping (U+0130 becomes {@code i} + U+0307)
 *       and Python's Final_Sigma rule for U+03A3, which looks past case-ignorable characters;
 *       Java's {@code String.toLowerCase} uses word boundaries instead and differs, for example,
 *       on {@code "A^Σ"}.
 * </ol>
 *
 * <p>Character properties come from the JDK (Unicode 13.0 on Java 17). Python 3.11 uses Unicode
 * 14.0 for {@code lower()} and the {@code regex} module a newer version for {@code \p{L}}: only
 * characters assigned after Unicode 13.0 can be treated differently.
 */
final class TextCleaner {
  private TextCleaner() {}

  /** The cleaned, lower-cased text that the reference splits into pre-tokens. */
  static String clean(String text) {
    String s = replaceUnpairedSurrogates(text);
    s = Normalizer.normalize(s, Normalizer.Form.NFC);
    s = HtmlUnescaper.unescape(HtmlUnescaper.unescape(s));
    s = pythonStrip(s);
    s = collapseWhiteSpace(s);
    s = pythonStrip(s);
    return pythonLower(s);
  }

  /** Python's {@code str.isspace()} for one code point. */
  static boolean isPythonSpace(int c) {
    return (c >= 0x1C && c <= 0x1F) || isWhiteSpace(c);
  }

  /**
   * Unicode White_Space, which is what {@code \s} matches in the {@code regex} module (and in
   * Java with {@code UNICODE_CHARACTER_CLASS}).
   */
  static boolean isWhiteSpace(int c) {
    if (c <= 0x20) {
      return c == 0x20 || (c >= 0x09 && c <= 0x0D);
    }
    if (c < 0x85) {
      return false;
    }
    return c == 0x85
        || c == 0xA0
        || c == 0x1680
        || (c >= 0x2000 && c <= 0x200A)
        || c == 0x2028
        || c == 0x2029
        || c == 0x202F
        || c == 0x205F
        || c == 0x3000;
  }

  static String replaceUnpairedSurrogates(String s) {
    char[] chars = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        if (chars == null) {
          chars = s.toCharArray();
        }
        chars[i] = '\uFFFD';
      }
    }
    return chars == null ? s : new String(chars);
  }

  /** Python's {@code str.strip()} without arguments. */
  static String pythonStrip(String s) {
    int start = 0;
    int end = s.length();
    // Every Python space is a BMP character, so char-wise scanning is exact.
    while (start < end && isPythonSpace(s.charAt(start))) {
      start++;
    }
    while (end > start && isPythonSpace(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(start, end);
  }

  /** {@code regex.sub(r'\s+', ' ', s)}. */
  static String collapseWhiteSpace(String s) {
    StringBuilder out = null;
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (isWhiteSpace(c)) {
        int j = i + 1;
        while (j < n && isWhiteSpace(s.charAt(j))) {
          j++;
        }
        if (out == null) {
          if (c == ' ' && j == i + 1) {
            i = j;
            continue;
          }
          out = new StringBuilder(n).append(s, 0, i);
        }
        out.append(' ');
        i = j;
      } else {
        if (out != null) {
          out.append(c);
        }
        i++;
      }
    }
    return out == null ? s : out.toString();
  }

  /** Python's {@code str.lower()}. */
  static String pythonLower(String s) {
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      int c = s.codePointAt(i);
      if (c == 0x3A3) {
        out.append(isFinalSigma(s, i) ? '\u03C2' : '\u03C3');
      } else if (c == 0x130) {
        out.append("i\u0307");
      } else {
        out.appendCodePoint(Character.toLowerCase(c));
      }
      i += Character.charCount(c);
    }
    return out.toString();
  }

  /**
   * CPython's {@code handle_capital_sigma}: the sigma at {@code index} is final when a cased
   * character precedes it (skipping case-ignorable ones) and no cased character follows it
   * (again skipping case-ignorable ones).
   */
  private static boolean isFinalSigma(String s, int index) {
    int j = index;
    int c = -1;
    while (j > 0) {
      c = s.codePointBefore(j);
      j -= Character.charCount(c);
      if (!isCaseIgnorable(c)) {
        break;
      }
      c = -1;
    }
    if (c < 0 || !isCased(c)) {
      return false;
    }
    j = index + 1;
    while (j < s.length()) {
      c = s.codePointAt(j);
      if (!isCaseIgnorable(c)) {
        return !isCased(c);
      }
      j += Character.charCount(c);
    }
    return true;
  }

  /** Unicode's Cased property: Lowercase, Uppercase or Lt. */
  static boolean isCased(int c) {
    return Character.isLowerCase(c) || Character.isUpperCase(c) || Character.isTitleCase(c);
  }

  /**
   * Unicode's Case_Ignorable property: Mn, Me, Cf, Lm, Sk, and the Word_Break classes MidLetter,
   * MidNumLet and Single_Quote.
   */
  static boolean isCaseIgnorable(int c) {
    switch (Character.getType(c)) {
      case Character.NON_SPACING_MARK:
      case Character.ENCLOSING_MARK:
      case Character.FORMAT:
      case Character.MODIFIER_LETTER:
      case Character.MODIFIER_SYMBOL:
        return true;
      default:
        break;
    }
    switch (c) {
      case 0x27: // Single_Quote
      case 0x2E: // MidNumLet
      case 0x3A: // MidLetter
      case 0xB7:
      case 0x387:
      case 0x55F:
      case 0x5F4:
      case 0x2018:
      case 0x2019:
      case 0x2024:
      case 0x2027:
      case 0xFE13:
      case 0xFE52:
      case 0xFE55:
      case 0xFF07:
      case 0xFF0E:
      case 0xFF1A:
        return true;
      default:
        return false;
    }
  }
}
