package org.ckcoop.backbone.text;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * CLIP's reversible mapping between UTF-8 bytes and printable characters ({@code bytes_to_unicode}
 * in the reference), and the reverse UTF-8 decoding with Python's replacement rules.
 *
 * <p>Bytes {@code ! .. ~}, {@code ¡ .. ¬} and {@code ® .. ÿ} map to themselves; the other 68 bytes
 * (controls, space, 0x7F..0xA0, 0xAD) map, in increasing byte order, to U+0100..U+0143. Every byte
 * symbol is therefore a single BMP character, and listing the symbols in increasing character order
 * gives exactly the reference's first 256 vocabulary entries.
 */
final class ByteAlphabet {
  /** Suffix that marks the last symbol of a word. */
  static final String END_OF_WORD = "</w>";

  private static final char[] BYTE_TO_CHAR = new char[256];
  /** Indexed by character (0..0x143); -1 when the character is not a byte symbol. */
  private static final int[] CHAR_TO_BYTE = new int[0x144];
  /** The 256 byte symbols in reference vocabulary order (increasing character). */
  private static final List<String> SYMBOLS;

  static {
    java.util.Arrays.fill(CHAR_TO_BYTE, -1);
    int next = 0x100;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      char c = printable ? (char) b : (char) next++;
      BYTE_TO_CHAR[b] = c;
      CHAR_TO_BYTE[c] = b;
    }
    List<String> symbols = new ArrayList<>(256);
    for (int c = 0; c < CHAR_TO_BYTE.length; c++) {
      if (CHAR_TO_BYTE[c] >= 0) {
        symbols.add(String.valueOf((char) c));
      }
    }
    SYMBOLS = Collections.unmodifiableList(symbols);
  }

  private ByteAlphabet() {}

  /** The 256 byte symbols in the order of the reference vocabulary (ids 0..255). */
  static List<String> symbols() {
    return SYMBOLS;
  }

  /** The symbol of one byte. */
  static char symbol(int unsignedByte) {
    return BYTE_TO_CHAR[unsignedByte];
  }

  /** The byte of a symbol character, or -1 when the character is not in the alphabet. */
  static int byteOf(char c) {
    return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
  }

  /** Whether every character of {@code s} is a byte symbol. */
  static boolean isInAlphabet(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (byteOf(s.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  /** Maps each byte to its symbol. */
  static String toSymbols(byte[] bytes) {
    char[] out = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
    }
    return new String(out);
  }

  /**
   * Decodes UTF-8 like Python's {@code bytes.decode("utf-8", errors="replace")}: each maximal
   * subpart of an ill-formed sequence becomes one U+FFFD (Unicode's recommended practice). Java's
   * built-in decoder differs for some sequences (for example the encoded surrogates ED A0 80, which
   * Python turns into three replacement characters and Java into one).
   */
  static String decodeUtf8(byte[] b, int length) {
    StringBuilder out = new StringBuilder(length);
    int i = 0;
    while (i < length) {
      int b0 = b[i] & 0xFF;
      if (b0 < 0x80) {
        out.append((char) b0);
        i++;
        continue;
      }
      int need;
      int lo = 0x80;
      int hi = 0xBF;
      int cp;
      if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1;
        cp = b0 & 0x1F;
      } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        cp = b0 & 0x0F;
        if (b0 == 0xE0) {
          lo = 0xA0;
        } else if (b0 == 0xED) {
          hi = 0x9F;
        }
      } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        cp = b0 & 0x07;
        if (b0 == 0xF0) {
          lo = 0x90;
        } else if (b0 == 0xF4) {
          hi = 0x8F;
        }
      } else {
        out.append('\uFFFD');
        i++;
        continue;
      }
      int j = i + 1;
      boolean ok = true;
      for (int k = 0; k < need; k++, j++) {
        if (j >= length) {
          ok = false;
          break;
        }
        int bk = b[j] & 0xFF;
        int min = k == 0 ? lo : 0x80;
        int max = k == 0 ? hi : 0xBF;
        if (bk < min || bk > max) {
          ok = false;
          break;
        }
        cp = (cp << 6) | (bk & 0x3F);
      }
      if (ok) {
        out.appendCodePoint(cp);
      } else {
        out.append('\uFFFD');
      }
      i = j;
    }
    return out.toString();
  }
}
