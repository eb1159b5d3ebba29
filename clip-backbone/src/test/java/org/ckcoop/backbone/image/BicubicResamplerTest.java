package org.ckcoop.backbone.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Properties and argument checks of the Pillow bicubic port (exactness is in the golden tests). */
class BicubicResamplerTest {
  private static RgbImage random(int w, int h, long seed) {
    byte[] px = new byte[w * h * 3];
    new SplittableRandom(seed).nextBytes(px);
    return RgbImage.of(w, h, px);
  }

  @Test
  void sameSizeIsTheImageItself() {
    RgbImage image = random(17, 9, 1);
    assertThat(BicubicResampler.resize(image, 17, 9)).isSameAs(image);
  }

  @Test
  void integerBoxOfTheOutputSizeIsACrop() {
    RgbImage image = random(30, 20, 2);
    assertThat(BicubicResampler.resize(image, 10, 5, 3f, 4f, 13f, 9f))
        .isEqualTo(image.crop(3, 4, 10, 5));
  }

  @Test
  void constantImageStaysConstant() {
    byte[] px = new byte[40 * 30 * 3];
    for (int i = 0; i < px.length; i += 3) {
      px[i] = 12;
      px[i + 1] = (byte) 200;
      px[i + 2] = (byte) 255;
    }
    RgbImage flat = RgbImage.of(40, 30, px);
    for (int[] size : new int[][] {{7, 5}, {81, 59}, {40, 3}, {1, 1}}) {
      RgbImage out = BicubicResampler.resize(flat, size[0], size[1]);
      for (int y = 0; y < out.height(); y++) {
        for (int x = 0; x < out.width(); x++) {
          assertThat(out.rgb(x, y)).isEqualTo(0x0CC8FF);
        }
      }
    }
  }

  @Test
  void filterIsPillowsCubicWithAMinusHalf() {
    assertThat(BicubicResampler.bicubic(0)).isEqualTo(1.0);
    assertThat(BicubicResampler.bicubic(1)).isEqualTo(0.0);
    assertThat(BicubicResampler.bicubic(2)).isEqualTo(0.0);
    assertThat(BicubicResampler.bicubic(0.5)).isEqualTo(0.5625);
    assertThat(BicubicResampler.bicubic(-1.5)).isEqualTo(-0.0625);
  }

  @Test
  void coefficientsAreNormalisedFixedPointWindows() {
    // Downscale by 3: support 6, windows of up to 13 taps.
    BicubicResampler.Coefficients c = BicubicResampler.Coefficients.compute(300, 0f, 300f, 100);
    assertThat(c.ksize).isEqualTo(13);
    for (int xx = 0; xx < 100; xx++) {
      int xmin = c.bounds[2 * xx];
      int count = c.bounds[2 * xx + 1];
      assertThat(xmin).isGreaterThanOrEqualTo(0);
      assertThat(xmin + count).isLessThanOrEqualTo(300);
      long sum = 0;
      for (int k = 0; k < c.ksize; k++) {
        sum += c.fixed[xx * c.ksize + k];
      }
      assertThat(sum).isBetween((1L << 22) - 13, (1L << 22) + 13);
    }
  }

  @Test
  void rejectsWhatPillowRejects() {
    RgbImage image = random(10, 10, 3);
    assertThatThrownBy(() -> BicubicResampler.resize(image, 0, 5))
        .hasMessageContaining("must be > 0");
    assertThatThrownBy(() -> BicubicResampler.resize(image, 5, 5, -1f, 0f, 5f, 5f))
        .hasMessage("box offset can't be negative");
    assertThatThrownBy(() -> BicubicResampler.resize(image, 5, 5, 0f, 0f, 11f, 5f))
        .hasMessage("box can't exceed original image size");
    assertThatThrownBy(() -> BicubicResampler.resize(image, 5, 5, 6f, 0f, 5f, 5f))
        .hasMessage("box can't be empty");
  }
}
