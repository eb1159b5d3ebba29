package org.ckcoop.dictionary;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TableDigestTest {
  @Test
  void hashesTheLittleEndianFloat32Bytes() throws Exception {
    byte[] bytes = {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, (byte) 0xc0}; // 1.0f, -2.0f
    String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    assertThat(TableDigest.sha256(new float[] {1f, -2f})).isEqualTo(expected);
  }

  @Test
  void coversTablesLargerThanOneBlock() {
    float[] a = new float[200_000];
    float[] b = a.clone();
    b[199_999] = 1f;
    assertThat(TableDigest.sha256(a)).isNotEqualTo(TableDigest.sha256(b)).hasSize(64);
  }
}
