package org.ckcoop.backbone.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoding details and every error path, with the messages a user sees. */
class ImageDecoderTest {
  @TempDir Path dir;

  private static byte[] fixture(String name) throws IOException {
    return Files.readAllBytes(GoldenManifest.file(name));
  }

  private Path write(String name, byte[] data) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, data);
    return p;
  }

  @Test
  void rgbaAlphaIsDroppedNotComposited() {
    RgbImage image = ImageDecoder.read(GoldenManifest.file("rgba_45x31.png"));
    // The generator zeroed the alpha of every third row / second column; colour must survive.
    RgbImage again = ImageDecoder.read(GoldenManifest.file("rgba_45x31.png"));
    assertThat(image).isEqualTo(again);
    int nonBlackTransparent = 0;
    for (int y = 0; y < image.height(); y += 3) {
      for (int x = 0; x < image.width(); x += 2) {
        if (image.rgb(x, y) != 0) {
          nonBlackTransparent++;
        }
      }
    }
    assertThat(nonBlackTransparent).isGreaterThan(100);
  }

  @Test
  void greyIsReplicatedWithoutAGammaCurve() throws IOException {
    // A grey PNG written by ImageIO itself: getRGB would map 128 to about 188 (linear grey->sRGB).
    BufferedImage grey = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSamples(0, 0, 4, 1, 0, new int[] {0, 64, 128, 255});
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(grey, "png", png);
    RgbImage image = ImageDecoder.decode(png.toByteArray(), "grey.png");
    assertThat(image.toByteArray())
        .containsExactly(0, 0, 0, 64, 64, 64, (byte) 128, (byte) 128, (byte) 128,
            (byte) 255, (byte) 255, (byte) 255);
  }

  @Test
  void decodeFromBytesEqualsReadFromFile() throws IOException {
    byte[] data = fixture("palette_trns_33x17.png");
    assertThat(ImageDecoder.decode(data, "x"))
        .isEqualTo(ImageDecoder.read(GoldenManifest.file("palette_trns_33x17.png")));
  }

  @Test
  void missingFileIsNamed() {
    Path missing = dir.resolve("nope/missing.png");
    assertThatThrownBy(() -> ImageDecoder.read(missing))
        .isInstanceOf(ImageReadException.class)
        .hasMessage(missing + ": no such file")
        .satisfies(e -> assertThat(((ImageReadException) e).source()).isEqualTo(
            missing.toString()));
  }

  @Test
  void directoryIsRejected() {
    assertThatThrownBy(() -> ImageDecoder.read(dir))
        .isInstanceOf(ImageReadException.class)
        .hasMessageStartingWith(dir + ": cannot read file");
  }

  @Test
  void emptyFileIsRejected() throws IOException {
    Path p = write("empty.jpg", new byte[0]);
    assertThatThrownBy(() -> ImageDecoder.read(p)).hasMessage(p + ": empty file");
  }

  @Test
  void textFileIsNotAnImage() throws IOException {
    Path p = write("notes.png", "hello, world\n".getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> ImageDecoder.read(p))
        .isInstanceOf(ImageReadException.class)
        .hasMessage(p + ": not a PNG or JPEG image (starts with 68 65 6c 6c 6f 2c 20 77)");
  }

  @Test
  void otherFormatsAreNamed() throws IOException {
    BufferedImage rgb = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream gif = new ByteArrayOutputStream();
    ImageIO.write(rgb, "gif", gif);
    Path p = write("x.gif", gif.toByteArray());
    assertThatThrownBy(() -> ImageDecoder.read(p))
        .hasMessage(p + ": unsupported image format GIF (only PNG and JPEG are decoded)");
    ByteArrayOutputStream bmp = new ByteArrayOutputStream();
    ImageIO.write(rgb, "bmp", bmp);
    assertThatThrownBy(() -> ImageDecoder.decode(bmp.toByteArray(), "x.bmp"))
        .hasMessage("x.bmp: unsupported image format BMP (only PNG and JPEG are decoded)");
  }

  @Test
  void cmykAndYcckJpegsDecodeAsPillowsConvertRgbAndNeedTheAdobeTransform() throws IOException {
    // JpegDecodingTest compares all four with Pillow's decode (golden-cmyk.txt); here: the transform matters
    Path ycck = GoldenManifest.file("ycck_libjpeg_33x21.jpg");
    Path cmyk = GoldenManifest.file("cmyk_libjpeg_33x21.jpg");
    RgbImage fromYcck = ImageDecoder.read(ycck);
    RgbImage fromCmyk = ImageDecoder.read(cmyk);
    assertThat(fromYcck.width()).isEqualTo(33);
    assertThat(fromYcck.height()).isEqualTo(21);
    // the same CMYK source written both ways: within JPEG loss of each other
    assertThat(GoldenManifest.maxAbsDifference(fromYcck, fromCmyk)).isLessThan(24);
    // read as plain CMYK (the transform byte cleared), the YCCK file's colours are far off
    byte[] data = Files.readAllBytes(ycck);
    int transform = 2 + 4 + 11; // SOI, APP14 marker + length, "Adobe" version flags0 flags1
    assertThat(data[transform]).isEqualTo((byte) 2);
    data[transform] = 0;
    assertThat(GoldenManifest.maxAbsDifference(ImageDecoder.decode(data, "as-cmyk.jpg"), fromCmyk)).isGreaterThan(60);
  }

  @Test
  void corruptPngDataIsRejected() throws IOException {
    byte[] data = fixture("rgb_37x23.png");
    // Overwrite the middle of the IDAT payload (its zlib stream) with garbage.
    for (int i = 200; i < 400; i++) {
      data[i] = (byte) (i * 37);
    }
    Path p = write("corrupt.png", data);
    assertThatThrownBy(() -> ImageDecoder.read(p))
        .isInstanceOf(ImageReadException.class)
        .hasMessageStartingWith(p + ": corrupt or truncated PNG (");
  }

  @Test
  void corruptBytesAfterASignatureAreRejected() throws IOException {
    byte[] junk = new byte[300];
    Arrays.fill(junk, (byte) 0x5A);
    byte[] png = fixture("rgb_37x23.png");
    System.arraycopy(png, 0, junk, 0, 8);
    assertThatThrownBy(() -> ImageDecoder.decode(junk, "junk.png"))
        .isInstanceOf(ImageReadException.class)
        .hasMessageStartingWith("junk.png: corrupt or truncated PNG (");
    byte[] jpeg = junk.clone();
    jpeg[0] = (byte) 0xFF;
    jpeg[1] = (byte) 0xD8;
    jpeg[2] = (byte) 0xFF;
    assertThatThrownBy(() -> ImageDecoder.decode(jpeg, "junk.jpg"))
        .isInstanceOf(ImageReadException.class)
        .hasMessageStartingWith("junk.jpg: corrupt or truncated JPEG (");
  }

  @Test
  void truncatedPngIsRejectedAtEveryCutInsideTheImageData() throws IOException {
    byte[] data = fixture("rgb_300x200.png");
    // (Cutting only the zlib checksum or the chunk CRC after complete pixel data decodes, in PIL
    // as here: nothing of the picture is missing then.)
    for (int cut : new int[] {8, 20, 40, 100, data.length / 2, data.length - 30}) {
      byte[] cutData = Arrays.copyOf(data, cut);
      assertThatThrownBy(() -> ImageDecoder.decode(cutData, "cut.png"))
          .as("cut at %d", cut)
          .isInstanceOf(ImageReadException.class)
          .hasMessageStartingWith("cut.png: corrupt or truncated PNG (");
    }
    Path p = write("truncated.png", Arrays.copyOf(data, data.length / 2));
    assertThatThrownBy(() -> ImageDecoder.read(p))
        .hasMessageStartingWith(p + ": corrupt or truncated PNG (");
  }

  @Test
  void pngMissingOnlyItsEndChunkStillDecodesAsInPil() throws IOException {
    byte[] data = fixture("rgb_37x23.png");
    RgbImage full = ImageDecoder.decode(data, "full.png");
    assertThat(ImageDecoder.decode(Arrays.copyOf(data, data.length - 12), "noiend.png"))
        .isEqualTo(full);
  }

  @Test
  void truncatedJpegIsRejectedEvenWhenOnlyTheEndMarkerIsMissing() throws IOException {
    for (String name : new String[] {"photo_101x67_420.jpg", "photo_80x60_progressive.jpg"}) {
      byte[] data = fixture(name);
      for (int cut : new int[] {data.length - 1, data.length - 2, data.length - 40,
          data.length / 2}) {
        byte[] cutData = Arrays.copyOf(data, cut);
        assertThatThrownBy(() -> ImageDecoder.decode(cutData, name))
            .as("%s cut at %d", name, cut)
            .isInstanceOf(ImageReadException.class)
            .hasMessageStartingWith(name + ": truncated JPEG (decoder: ");
      }
      byte[] headerOnly = Arrays.copyOf(data, 30);
      assertThatThrownBy(() -> ImageDecoder.decode(headerOnly, name))
          .isInstanceOf(ImageReadException.class)
          .hasMessageStartingWith(name + ": ");
    }
  }

  @Test
  void jpegWithTrailingBytesAfterTheEndMarkerDecodes() throws IOException {
    byte[] data = fixture("photo_64x48_422.jpg");
    byte[] longer = Arrays.copyOf(data, data.length + 16);
    assertThat(ImageDecoder.decode(longer, "trailing.jpg"))
        .isEqualTo(ImageDecoder.decode(data, "ok.jpg"));
  }
}
