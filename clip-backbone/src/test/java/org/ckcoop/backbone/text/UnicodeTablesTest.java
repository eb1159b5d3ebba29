package org.ckcoop.backbone.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every code point, compared with what Python's {@code str.lower()}, {@code str.isspace()} and the
 * {@code regex} module do ({@code python-unicode-tables.tsv}, see {@code
 * generate_unicode_tables.py}). Code points that the JDK does not assign (added to Unicode after
 * the JDK's version, 13.0 for Java 17) are skipped: they are the documented difference, counted
 * here so that the report is exact.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UnicodeTablesTest {
  private static final Map<Integer, String> LOWER = new HashMap<>();
  private static final Set<Integer> SPACE = new HashSet<>();
  private static final Map<Integer, Character> CLASS = new HashMap<>();
  private static final Map<Integer, Character> SIGMA = new HashMap<>();

  @BeforeAll
  static void load() throws IOException {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        UnicodeTablesTest.class.getResourceAsStream("python-unicode-tables.tsv"),
        StandardCharsets.US_ASCII))) {
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split("\t");
        switch (f[0]) {
          case "lower" -> {
            StringBuilder s = new StringBuilder();
            for (String hex : f[2].split(" ")) {
              s.appendCodePoint(Integer.parseInt(hex, 16));
            }
            LOWER.put(Integer.parseInt(f[1], 16), s.toString());
          }
          case "space" -> SPACE.add(Integer.parseInt(f[1], 16));
          case "class", "sigma" -> {
            Map<Integer, Character> target = f[0].equals("class") ? CLASS : SIGMA;
            for (int c = Integer.parseInt(f[1], 16); c <= Integer.parseInt(f[2], 16); c++) {
              target.put(c, f[3].charAt(0));
            }
          }
          default -> { } // comment
        }
      }
    }
  }

  private static boolean assignedInJdk(int c) {
    return Character.getType(c) != Character.UNASSIGNED;
  }

  private static String str(int c) {
    return new String(Character.toChars(c));
  }

  @Test
  void lowerMatchesPythonForEveryAssignedCodePoint() {
    List<String> bad = new ArrayList<>();
    int skipped = 0;
    for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
      if (Character.isSurrogate((char) c) && c <= 0xFFFF) {
        continue;
      }
      String expected = LOWER.getOrDefault(c, str(c));
      String actual = TextCleaner.pythonLower(str(c));
      if (!actual.equals(expected)) {
        if (assignedInJdk(c)) {
          bad.add(Integer.toHexString(c));
        } else {
          skipped++;
        }
      }
    }
    assertThat(bad).isEmpty();
    assertThat(LOWER).hasSizeGreaterThan(1400);
    System.out.println("lower(): code points unassigned in this JDK that Python lowers: " + skipped);
  }

  @Test
  void isPythonSpaceMatchesStrIsspace() {
    for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
      assertThat(TextCleaner.isPythonSpace(c)).as("U+%04X", c).isEqualTo(SPACE.contains(c));
    }
    assertThat(SPACE).hasSize(29);
  }

  @Test
  void splitClassesMatchTheRegexModuleForEveryAssignedCodePoint() {
    List<String> bad = new ArrayList<>();
    int skipped = 0;
    for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
      if (c >= 0xD800 && c <= 0xDFFF) {
        continue;
      }
      char expected = CLASS.get(c);
      char actual = javaClass(c);
      if (actual != expected) {
        if (assignedInJdk(c)) {
          bad.add(String.format("U+%04X python=%s java=%s", c, expected, actual));
        } else {
          skipped++;
        }
      }
    }
    assertThat(bad).isEmpty();
    System.out.println("split classes: code points unassigned in this JDK that regex classifies"
        + " differently: " + skipped);
  }

  /** The class the scanner gives a code point, observed through PreTokenizer.split. */
  private static char javaClass(int c) {
    if (TextCleaner.isWhiteSpace(c)) {
      return 'S';
    }
    // Between two letters: a letter joins them into one piece; a number is its own piece.
    List<String> pieces = PreTokenizer.split("a" + str(c) + "a");
    if (pieces.size() == 1) {
      return 'L';
    }
    if (pieces.size() == 2) {
      return 'X'; // skipped, like U+0345
    }
    // Pieces "a", c, "a": a number piece is a single code point and never joins neighbours.
    List<String> twice = PreTokenizer.split(str(c) + str(c));
    return twice.size() == 2 ? 'N' : 'P';
  }

  @Test
  void finalSigmaPropertiesMatchPython() {
    List<String> bad = new ArrayList<>();
    for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
      if ((c >= 0xD800 && c <= 0xDFFF) || !assignedInJdk(c)) {
        continue;
      }
      char expected = SIGMA.getOrDefault(c, '-');
      char actual = TextCleaner.isCaseIgnorable(c) ? 'I' : TextCleaner.isCased(c) ? 'C' : '-';
      // U+1734 changed from Mn (Unicode 13, case-ignorable) to Mc in Unicode 14.
      if (actual != expected && c != 0x1734) {
        bad.add(String.format("U+%04X python=%s java=%s", c, expected, actual));
      }
    }
    assertThat(bad).isEmpty();
    assertThat(TextCleaner.pythonLower("A" + str(0x1734) + "\u03a3")).isEqualTo("a\u1734\u03c2");
  }
}
