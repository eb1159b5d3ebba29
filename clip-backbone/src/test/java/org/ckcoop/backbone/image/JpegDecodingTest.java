package org.ckcoop.backbone.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * JPEG decoding against Pillow's (libjpeg-turbo) decode of the same file, stored losslessly as
 * {@code <name>.pil.png} by the golden generator.
 *
 * <p>ImageIO decodes with its bundled IJG libjpeg 6b, Pillow with libjpeg-turbo; both default to
 * the integer slow IDCT and fancy upsampling, which compute the same integers. Measured on the
 * fixtures (baseline 4:2:0 with odd size, 4:2:2, 4:4:4, progressive, grey, sRGB and linear ICC
 * profiles): 0 differing samples. The linear-ICC fixture guards against ImageIO's default ICC to
 * sRGB conversion, which moved samples by up to 73 levels before the decoder switched it off. The assertion keeps a tolerance of {@value #JPEG_TOLERANCE} level for JPEG
 * only, in case a different libjpeg build rounds one sample differently; PNG is asserted exact.
 */
class JpegDecodingTest {
  /** Largest accepted per-sample difference to Pillow's JPEG decode (JPEG only). */
  static final int JPEG_TOLERANCE = 1;

  @TestFactory
  Stream<DynamicTest> jpegDecodingMatchesPillow() {
    return GoldenManifest.entries("jpeg").stream()
        .map(e -> dynamicTest(e.toString(), () -> {
          RgbImage ours = ImageDecoder.read(GoldenManifest.file(e.field(0)));
          RgbImage pil = ImageDecoder.read(GoldenManifest.file(e.field(1)));
          assertThat(ours.width()).isEqualTo(pil.width());
          assertThat(ours.height()).isEqualTo(pil.height());
          int max = GoldenManifest.maxAbsDifference(ours, pil);
          int count = GoldenManifest.differingSamples(ours, pil);
          System.out.printf("JPEG %s: max |diff| = %d, %d of %d samples differ%n", e.field(0),
              max, count, 3 * ours.width() * ours.height());
          assertThat(max).isLessThanOrEqualTo(JPEG_TOLERANCE);
        }));
  }

  /** End to end from the .jpg file, against the tensor computed from Pillow's decode. */
  @TestFactory
  Stream<DynamicTest> jpegTensorsMatchWithinTheDecodeTolerance() {
    return GoldenManifest.entries("preprocess").stream()
        .filter(e -> e.field(0).endsWith(".jpg.pil.png"))
        .map(e -> dynamicTest(e.toString(), () -> {
          String jpeg = e.field(0).substring(0, e.field(0).length() - ".pil.png".length());
          int n = e.intField(1);
          float[] tensor = new ClipPreprocessor(n).preprocess(GoldenManifest.file(jpeg));
          int stride = e.intField(4);
          float[] expected = GoldenManifest.readFloats(e.field(5));
          // One level of the 8-bit input moves a normalised value by at most 1/255/min(std).
          float tolerance = JPEG_TOLERANCE / 255f / 0.26130258f + 1e-6f;
          float max = 0;
          for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(tensor[i * stride] - expected[i]));
            assertThat(tensor[i * stride]).isCloseTo(expected[i], within(tolerance));
          }
          System.out.printf("JPEG tensor %s @%d: max |diff| = %g%n", jpeg, n, max);
        }));
  }
}
