package org.ckcoop.world.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.ckcoop.backbone.image.ImageDecoder;
import org.ckcoop.backbone.image.RgbImage;
import org.ckcoop.world.render.SplitMix64;
import org.junit.jupiter.api.Test;

/** The PNG encoder round-trips through the project's decoder and ImageIO and is deterministic. */
class PngEncoderTest {

  static RgbImage random(int width, int height, long seed) {
    SplitMix64 rng = new SplitMix64(seed);
    byte[] rgb = new byte[width * height * 3];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (byte) rng.nextInt(256);
    }
    return RgbImage.of(width, height, rgb);
  }

  @Test
  void roundTripsExactly() throws Exception {
    for (int[] size : new int[][] {{1, 1}, {7, 3}, {32, 32}, {48, 20}}) {
      RgbImage image = random(size[0], size[1], size[0] * 100L + size[1]);
      byte[] png = PngEncoder.encode(image);
      assertThat(ImageDecoder.decode(png, "test.png")).isEqualTo(image);
      BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(png));
      assertThat(decoded.getWidth()).isEqualTo(size[0]);
      assertThat(decoded.getHeight()).isEqualTo(size[1]);
      for (int y = 0; y < size[1]; y++) {
        for (int x = 0; x < size[0]; x++) {
          assertThat(decoded.getRGB(x, y) & 0xFFFFFF).isEqualTo(image.rgb(x, y));
        }
      }
    }
  }

  @Test
  void equalPixelsGiveEqualBytes() {
    RgbImage image = new WorldCorpus(1, 32).image(3);
    byte[] first = PngEncoder.encode(image);
    byte[] second = PngEncoder.encode(RgbImage.of(32, 32, image.toByteArray()));
    assertThat(second).isEqualTo(first);
    assertThat(first).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n');
    // IHDR: 32 x 32, 8 bits, RGB
    assertThat(java.util.Arrays.copyOfRange(first, 12, 29)).containsExactly(
        'I', 'H', 'D', 'R', 0, 0, 0, 32, 0, 0, 0, 32, 8, 2, 0, 0, 0);
    assertThat(PngEncoder.encode(new WorldCorpus(1, 32).image(4))).isNotEqualTo(first);
  }
}
