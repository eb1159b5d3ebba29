package org.ckcoop.backbone.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The evaluation transform's geometry, batch and normalisation. */
class ClipPreprocessorTest {
  private static RgbImage blank(int w, int h) {
    return RgbImage.of(w, h, new byte[w * h * 3]);
  }

  @Test
  void resizeKeepsTheAspectRatioWithTorchvisionTruncation() {
    RgbImage r = ClipPreprocessor.resizeShorterSide(blank(500, 375), 224);
    assertThat(r.width()).isEqualTo(298); // int(224 * 500 / 375) = int(298.67)
    assertThat(r.height()).isEqualTo(224);
    r = ClipPreprocessor.resizeShorterSide(blank(64, 400), 224);
    assertThat(r.width()).isEqualTo(224);
    assertThat(r.height()).isEqualTo(1400);
    r = ClipPreprocessor.resizeShorterSide(blank(37, 37), 10);
    assertThat(r.width()).isEqualTo(10);
    assertThat(r.height()).isEqualTo(10);
  }

  @Test
  void centerCropRoundsHalfToEvenLikePython() {
    RgbImage image = blank(1, 1);
    // Width 37, crop 32: left = round(2.5) = 2; width 39: round(3.5) = 4.
    byte[] px = new byte[39 * 3];
    for (int x = 0; x < 39; x++) {
      px[x * 3] = (byte) x;
    }
    RgbImage row39 = RgbImage.of(39, 1, px);
    assertThat(ClipPreprocessor.centerCrop(row39, 1, 35).sample(0, 0, 0)).isEqualTo(2);
    assertThat(ClipPreprocessor.centerCrop(row39.crop(0, 0, 37, 1), 1, 32).sample(0, 0, 0))
        .isEqualTo(2);
    assertThat(ClipPreprocessor.centerCrop(row39, 1, 32).sample(0, 0, 0)).isEqualTo(4);
    assertThat(ClipPreprocessor.centerCrop(image, 1, 1)).isSameAs(image);
  }

  @Test
  void centerCropPadsSmallImagesWithZeros() {
    byte[] px = new byte[3 * 2 * 3];
    Arrays.fill(px, (byte) 7);
    RgbImage out = ClipPreprocessor.centerCrop(RgbImage.of(3, 2, px), 5, 6);
    assertThat(out.width()).isEqualTo(6);
    assertThat(out.height()).isEqualTo(5);
    // left pad (6-3)//2 = 1, top pad (5-2)//2 = 1
    assertThat(out.rgb(0, 1)).isZero();
    assertThat(out.rgb(1, 1)).isEqualTo(0x070707);
    assertThat(out.rgb(3, 2)).isEqualTo(0x070707);
    assertThat(out.rgb(4, 2)).isZero();
    assertThat(out.rgb(1, 3)).isZero();
  }

  @Test
  void outputIsChwNormalised() {
    byte[] px = new byte[4 * 4 * 3];
    for (int i = 0; i < px.length; i += 3) {
      px[i] = (byte) 255;
      px[i + 1] = 0;
      px[i + 2] = (byte) 128;
    }
    float[] t = new ClipPreprocessor(4).preprocess(RgbImage.of(4, 4, px));
    assertThat(t).hasSize(48);
    float r = (1f - 0.48145466f) / 0.26862954f;
    float g = (0f - 0.4578275f) / 0.26130258f;
    float b = (128f / 255f - 0.40821073f) / 0.27577711f;
    for (int i = 0; i < 16; i++) {
      assertThat(t[i]).isEqualTo(r);
      assertThat(t[16 + i]).isEqualTo(g);
      assertThat(t[32 + i]).isEqualTo(b);
    }
  }

  @Test
  void batchIsTheConcatenationOfSingles() {
    ClipPreprocessor pre = new ClipPreprocessor(24);
    List<Path> files = List.of(GoldenManifest.file("rgb_37x23.png"),
        GoldenManifest.file("photo_64x48_422.jpg"), GoldenManifest.file("grey_50x33.png"));
    float[] batch = pre.preprocessBatch(files);
    assertThat(batch).hasSize(3 * pre.tensorSize());
    for (int i = 0; i < files.size(); i++) {
      float[] single = pre.preprocess(files.get(i));
      assertThat(Arrays.copyOfRange(batch, i * single.length, (i + 1) * single.length))
          .containsExactly(single);
    }
    assertThat(pre.preprocessBatch(List.of())).isEmpty();
  }

  @Test
  void batchNamesTheBadFile() {
    Path missing = Path.of("no/such/picture.jpg");
    assertThatThrownBy(() -> new ClipPreprocessor(8).preprocessBatch(
        List.of(GoldenManifest.file("rgb_37x23.png"), missing)))
        .isInstanceOf(ImageReadException.class)
        .hasMessage(missing + ": no such file");
  }

  @Test
  void customNormalisation() {
    ChannelNormalization half = new ChannelNormalization(
        new double[] {0.5, 0.5, 0.5}, new double[] {0.5, 0.5, 0.5});
    float[] t = new ClipPreprocessor(2, half).preprocess(blank(2, 2));
    assertThat(t).containsOnly(-1f);
    assertThatThrownBy(() -> new ChannelNormalization(new double[] {0, 0, 0},
        new double[] {1, 0, 1})).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ClipPreprocessor(0)).isInstanceOf(
        IllegalArgumentException.class);
  }

  @Test
  void mirroredTensorIsTheTensorOfTheFlippedImage() {
    RgbImage image = ImageDecoder.read(GoldenManifest.file("rgb_37x23.png"));
    float[] mirrored = new float[3 * 37 * 23];
    ChannelNormalization.CLIP.toTensor(image, true, mirrored, 0);
    assertThat(mirrored).containsExactly(
        ChannelNormalization.CLIP.toTensor(image.flipHorizontal()));
  }
}
