package org.ckcoop.backbone.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python's {@code html.unescape} (CPython 3.11), reproduced exactly: numeric character references
 * (decimal and hexadecimal, {@code ;} optional) with the HTML5 table of invalid references, and
 * the 2,231 named references of {@code html.entities.html5}, where a name that is not an entity
 * falls back to its longest prefix (at least two characters) that is an entity valid without
 * {@code ;} ({@code "&ampxyz"} becomes {@code "&xyz"}).
 *
 * <p>The named references live in {@code html5-entities.tsv} next to this class, generated from
 * Python by {@code src/test/resources/org/ckcoop/backbone/text/generate_html5_entities.py}.
 */
final class HtmlUnescaper {
  private static final String ENTITY_RESOURCE = "html5-entities.tsv";

  /** The same expression as CPython's {@code html._charref}. */
  private static final Pattern CHARREF =
      Pattern.compile("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\\t\\n\\f <&#;]{1,32};?)");

  private static final Map<String, String> ENTITIES = loadEntities();

  private HtmlUnescaper() {}

  /** Replaces every character reference in {@code s}, like {@code html.unescape(s)}. */
  static String unescape(String s) {
    if (s.indexOf('&') < 0) {
      return s;
    }
    Matcher m = CHARREF.matcher(s);
    StringBuilder out = null;
    int last = 0;
    while (m.find()) {
      if (out == null) {
        out = new StringBuilder(s.length());
      }
      out.append(s, last, m.start());
      out.append(replace(m.group(1)));
      last = m.end();
    }
    if (out == null) {
      return s;
    }
    out.append(s, last, s.length());
    return out.toString();
  }

  /** Number of named references in the table (for tests). */
  static int entityCount() {
    return ENTITIES.size();
  }

  private static String replace(String ref) {
    if (ref.charAt(0) == '#') {
      boolean hex = ref.charAt(1) == 'x' || ref.charAt(1) == 'X';
      String digits = ref.substring(hex ? 2 : 1);
      if (digits.endsWith(";")) {
        digits = digits.substring(0, digits.length() - 1);
      }
      return numeric(parseSaturated(digits, hex ? 16 : 10));
    }
    String value = ENTITIES.get(ref);
    if (value != null) {
      return value;
    }
    // Longest prefix, of at least two characters, that is an entity; the regular expression
    // allows ';' only at the end, so these prefixes are the names valid without ';'.
    for (int x = ref.length() - 1; x > 1; x--) {
      // Python slices code points; never split a surrogate pair (such a prefix is no entity).
      if (Character.isLowSurrogate(ref.charAt(x))) {
        continue;
      }
      value = ENTITIES.get(ref.substring(0, x));
      if (value != null) {
        return value + ref.substring(x);
      }
    }
    return "&" + ref;
  }

  /** The value of a digit string, or {@code Long.MAX_VALUE} when it exceeds any code point. */
  private static long parseSaturated(String digits, int radix) {
    long value = 0;
    for (int i = 0; i < digits.length(); i++) {
      value = value * radix + Character.digit(digits.charAt(i), radix);
      if (value > 0x10FFFF) {
        return Long.MAX_VALUE;
      }
    }
    return value;
  }

  private static String numeric(long num) {
    String invalid = invalidCharref(num);
    if (invalid != null) {
      return invalid;
    }
    if ((num >= 0xD800 && num <= 0xDFFF) || num > 0x10FFFF) {
      return "\uFFFD";
    }
    int cp = (int) num;
    if (isInvalidCodePoint(cp)) {
      return "";
    }
    return new String(Character.toChars(cp));
  }

  /** CPython's {@code _invalid_charrefs}: replacements for 0x00, 0x0D and 0x80..0x9F. */
  private static String invalidCharref(long num) {
    if (num == 0x00) {
      return "\uFFFD";
    }
    if (num == 0x0D) {
      return "\r";
    }
    if (num < 0x80 || num > 0x9F) {
      return null;
    }
    char[] table = {
      '\u20ac', '\u0081', '\u201a', '\u0192', '\u201e', '\u2026', '\u2020', '\u2021',
      '\u02c6', '\u2030', '\u0160', '\u2039', '\u0152', '\u008d', '\u017d', '\u008f',
      '\u0090', '\u2018', '\u2019', '\u201c', '\u201d', '\u2022', '\u2013', '\u2014',
      '\u02dc', '\u2122', '\u0161', '\u203a', '\u0153', '\u009d', '\u017e', '\u0178'
    };
    return String.valueOf(table[(int) num - 0x80]);
  }

  /** CPython's {@code _invalid_codepoints}: references to these become the empty string. */
  private static boolean isInvalidCodePoint(int cp) {
    return (cp >= 0x01 && cp <= 0x08)
        || cp == 0x0B
        || (cp >= 0x0E && cp <= 0x1F)
        || (cp >= 0x7F && cp <= 0x9F)
        || (cp >= 0xFDD0 && cp <= 0xFDEF)
        || (cp & 0xFFFE) == 0xFFFE;
  }

  private static Map<String, String> loadEntities() {
    InputStream in = HtmlUnescaper.class.getResourceAsStream(ENTITY_RESOURCE);
    if (in == null) {
      throw new IllegalStateException("missing class-path resource " + ENTITY_RESOURCE);
    }
    Map<String, String> map = new HashMap<>(4096);
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int tab = line.indexOf('\t');
        StringBuilder value = new StringBuilder(2);
        for (String hex : line.substring(tab + 1).split(" ")) {
          value.appendCodePoint(Integer.parseInt(hex, 16));
        }
        map.put(line.substring(0, tab), value.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read class-path resource " + ENTITY_RESOURCE, e);
    }
    return Map.copyOf(map);
  }
}
