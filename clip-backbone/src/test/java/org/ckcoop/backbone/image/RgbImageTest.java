package org.ckcoop.backbone.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The immutable picture type. */
class RgbImageTest {
  /** A 4x3 image whose pixel (x, y) is (x, y, 10x + y). */
  private static RgbImage sample() {
    byte[] px = new byte[4 * 3 * 3];
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 4; x++) {
        int i = (y * 4 + x) * 3;
        px[i] = (byte) x;
        px[i + 1] = (byte) y;
        px[i + 2] = (byte) (10 * x + y);
      }
    }
    return RgbImage.of(4, 3, px);
  }

  @Test
  void copiesInAndOut() {
    byte[] px = new byte[2 * 1 * 3];
    RgbImage image = RgbImage.of(2, 1, px);
    px[0] = 99;
    assertThat(image.sample(0, 0, 0)).isZero();
    image.toByteArray()[0] = 99;
    assertThat(image.sample(0, 0, 0)).isZero();
  }

  @Test
  void accessors() {
    RgbImage image = sample();
    assertThat(image.width()).isEqualTo(4);
    assertThat(image.height()).isEqualTo(3);
    assertThat(image.sample(3, 2, 2)).isEqualTo(32);
    assertThat(image.rgb(3, 2)).isEqualTo(0x030220);
    assertThat(image).hasToString("RgbImage[4x3]");
    assertThatThrownBy(() -> image.sample(4, 0, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> image.sample(0, 0, 3)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void rejectsBadSizes() {
    assertThatThrownBy(() -> RgbImage.of(0, 1, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RgbImage.of(2, 2, new byte[11]))
        .hasMessageContaining("expected 12 bytes");
  }

  @Test
  void crop() {
    RgbImage crop = sample().crop(1, 1, 2, 2);
    assertThat(crop.width()).isEqualTo(2);
    assertThat(crop.rgb(0, 0)).isEqualTo(sample().rgb(1, 1));
    assertThat(crop.rgb(1, 1)).isEqualTo(sample().rgb(2, 2));
    RgbImage whole = sample();
    assertThat(whole.crop(0, 0, 4, 3)).isSameAs(whole);
    assertThatThrownBy(() -> whole.crop(3, 0, 2, 1)).hasMessageContaining("outside");
    assertThatThrownBy(() -> whole.crop(-1, 0, 1, 1)).hasMessageContaining("outside");
  }

  @Test
  void pad() {
    RgbImage padded = sample().pad(1, 2, 3, 0);
    assertThat(padded.width()).isEqualTo(8);
    assertThat(padded.height()).isEqualTo(5);
    assertThat(padded.rgb(0, 0)).isZero();
    assertThat(padded.rgb(1, 2)).isEqualTo(sample().rgb(0, 0));
    assertThat(padded.rgb(4, 4)).isEqualTo(sample().rgb(3, 2));
    assertThat(padded.rgb(5, 4)).isZero();
  }

  @Test
  void flipMirrorsEachRow() {
    RgbImage image = sample();
    RgbImage flipped = image.flipHorizontal();
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 4; x++) {
        assertThat(flipped.rgb(x, y)).isEqualTo(image.rgb(3 - x, y));
      }
    }
    assertThat(flipped.flipHorizontal()).isEqualTo(image);
  }

  @Test
  void equalityIsByContent() {
    assertThat(sample()).isEqualTo(sample()).hasSameHashCodeAs(sample());
    assertThat(sample()).isNotEqualTo(sample().flipHorizontal());
  }
}
