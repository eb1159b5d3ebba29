package org.ckcoop.backbone.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The byte-symbol mapping and Python-compatible UTF-8 decoding. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ByteAlphabetTest {
  @Test
  void mappingIsTheReferencesBytesToUnicode() {
    assertThat(ByteAlphabet.symbol('!')).isEqualTo('!');
    assertThat(ByteAlphabet.symbol(' ')).isEqualTo('\u0120'); // 'Ġ': space is byte 32, the 33rd
    assertThat(ByteAlphabet.symbol(0)).isEqualTo('\u0100');
    assertThat(ByteAlphabet.symbol(0xAD)).isEqualTo('\u0143');
    assertThat(ByteAlphabet.symbol(0xFF)).isEqualTo('\u00ff');
    assertThat(ByteAlphabet.symbols()).hasSize(256).startsWith("!", "\"").endsWith("\u0143");
    for (int b = 0; b < 256; b++) {
      assertThat(ByteAlphabet.byteOf(ByteAlphabet.symbol(b))).isEqualTo(b);
    }
    assertThat(ByteAlphabet.byteOf(' ')).isEqualTo(-1);
    assertThat(ByteAlphabet.byteOf('\u0144')).isEqualTo(-1);
  }

  /** Hex bytes, then the code points of Python's {@code bytes.decode("utf-8", "replace")}. */
  private static final Object[][] PYTHON_DECODE = {
      {"eda0c2", new int[] {0xFFFD, 0xFFFD, 0xFFFD}},
      {"edbf80", new int[] {0xFFFD, 0xFFFD, 0xFFFD}},
      {"ed9fbf", new int[] {0xD7FF}},
      {"e080", new int[] {0xFFFD, 0xFFFD}},
      {"e0a0", new int[] {0xFFFD}},
      {"f09f98", new int[] {0xFFFD}},
      {"f09f9880", new int[] {0x1F600}},
      {"f4908080", new int[] {0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD}},
      {"c0af", new int[] {0xFFFD, 0xFFFD}},
      {"c3", new int[] {0xFFFD}},
      {"c341", new int[] {0xFFFD, 0x41}},
      {"ff41", new int[] {0xFFFD, 0x41}},
      {"e2828241", new int[] {0x2082, 0x41}},
  };

  @Test
  void decodingReplacesLikePython() {
    for (Object[] c : PYTHON_DECODE) {
      byte[] bytes = HexFormat.of().parseHex((String) c[0]);
      assertThat(ByteAlphabet.decodeUtf8(bytes, bytes.length).codePoints().toArray())
          .as((String) c[0])
          .containsExactly((int[]) c[1]);
    }
  }
}
