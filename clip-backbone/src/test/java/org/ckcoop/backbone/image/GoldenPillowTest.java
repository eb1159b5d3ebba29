package org.ckcoop.backbone.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.stream.Stream;
import org.ckcoop.backbone.image.GoldenManifest.Entry;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Byte-exact comparisons with Pillow 9.4 and the numpy re-implementation of torchvision recorded
 * in {@code golden/golden.txt} (see {@code golden/generate_golden.py}).
 */
class GoldenPillowTest {

  private static RgbImage decoded(String name) {
    return ImageDecoder.read(GoldenManifest.file(name));
  }

  @TestFactory
  Stream<DynamicTest> decodingMatchesPilConvertRgbExactly() {
    return GoldenManifest.entries("decode").stream()
        .map(e -> dynamicTest(e.toString(), () -> {
          RgbImage image = decoded(e.field(0));
          assertThat(image.width()).isEqualTo(e.intField(1));
          assertThat(image.height()).isEqualTo(e.intField(2));
          assertThat(GoldenManifest.sha256(image.toByteArray())).isEqualTo(e.field(3));
        }));
  }

  /** 16-bit grey: the high-byte rule; PIL's own output (clipped I values) is a documented quirk. */
  @TestFactory
  Stream<DynamicTest> sixteenBitGreyUsesTheHighByte() {
    return GoldenManifest.entries("decode16").stream()
        .map(e -> dynamicTest(e.toString(), () -> {
          RgbImage image = decoded(e.field(0));
          assertThat(image.width()).isEqualTo(e.intField(1));
          assertThat(image.height()).isEqualTo(e.intField(2));
          String sha = GoldenManifest.sha256(image.toByteArray());
          assertThat(sha).isEqualTo(e.field(3));
          assertThat(sha).as("PIL clips mode I to 255; we deliberately differ").isNotEqualTo(
              e.field(4));
        }));
  }

  @TestFactory
  Stream<DynamicTest> resizeMatchesPillowBicubicExactly() {
    return GoldenManifest.entries("resize").stream()
        .map(e -> dynamicTest(e.toString(), () -> {
          RgbImage out = BicubicResampler.resize(decoded(e.field(0)), e.intField(1),
              e.intField(2));
          assertThat(out.width()).isEqualTo(e.intField(1));
          assertThat(out.height()).isEqualTo(e.intField(2));
          assertThat(GoldenManifest.sha256(out.toByteArray())).isEqualTo(e.field(3));
        }));
  }

  @TestFactory
  Stream<DynamicTest> resizeOfABoxMatchesPillowExactly() {
    return GoldenManifest.entries("resizebox").stream()
        .map(e -> dynamicTest(e.toString(), () -> {
          RgbImage out = BicubicResampler.resize(decoded(e.field(0)), e.intField(1),
              e.intField(2), e.floatField(3), e.floatField(4), e.floatField(5), e.floatField(6));
          assertThat(GoldenManifest.sha256(out.toByteArray())).isEqualTo(e.field(7));
        }));
  }

  @TestFactory
  Stream<DynamicTest> resizedCropMatchesTorchvisionExactly() {
    return GoldenManifest.entries("resizedcrop").stream()
        .map(e -> dynamicTest(e.toString(), () -> {
          CropBox box = new CropBox(e.intField(1), e.intField(2), e.intField(3), e.intField(4));
          TrainAugmentation aug = new TrainAugmentation(e.intField(5));
          RgbImage out = aug.augment(decoded(e.field(0)), box, e.intField(6) == 1);
          assertThat(GoldenManifest.sha256(out.toByteArray())).isEqualTo(e.field(7));
        }));
  }

  @TestFactory
  Stream<DynamicTest> centerCropMatchesTorchvisionIncludingPadding() {
    return GoldenManifest.entries("centercrop").stream()
        .map(e -> dynamicTest(e.toString(), () -> {
          int n = e.intField(1);
          RgbImage out = ClipPreprocessor.centerCrop(decoded(e.field(0)), n, n);
          assertThat(GoldenManifest.sha256(out.toByteArray())).isEqualTo(e.field(2));
        }));
  }

  @TestFactory
  Stream<DynamicTest> preprocessMatchesResizeCenterCropToTensorNormalize() {
    return GoldenManifest.entries("preprocess").stream()
        .map(e -> dynamicTest(e.toString(), () -> checkPreprocess(e)));
  }

  private static void checkPreprocess(Entry e) {
    int n = e.intField(1);
    ClipPreprocessor pre = new ClipPreprocessor(n);
    RgbImage image = decoded(e.field(0));
    RgbImage cropped = pre.resizeAndCrop(image);
    assertThat(GoldenManifest.sha256(cropped.toByteArray())).isEqualTo(e.field(2));

    float[] tensor = pre.preprocess(GoldenManifest.file(e.field(0)));
    assertThat(tensor).hasSize(3 * n * n);
    int stride = e.intField(4);
    float[] expected = GoldenManifest.readFloats(e.field(5));
    assertThat(expected).hasSize((3 * n * n + stride - 1) / stride);
    for (int i = 0; i < expected.length; i++) {
      assertThat(tensor[i * stride]).as("tensor[%d]", i * stride)
          .isCloseTo(expected[i], within(1e-6f));
    }
    // Stronger than the 1e-6 tolerance: float32 arithmetic is IEEE in both, so bit-identical.
    assertThat(GoldenManifest.sha256(GoldenManifest.littleEndian(tensor))).isEqualTo(e.field(3));
  }
}
