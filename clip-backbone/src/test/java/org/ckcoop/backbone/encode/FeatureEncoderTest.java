package org.ckcoop.backbone.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.backbone.GoldenFixtures;
import org.ckcoop.backbone.image.ImageReadException;
import org.ckcoop.backbone.safetensors.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** From PNG files on disk to features, against the reference, with the checkpoint's own mean/std. */
class FeatureEncoderTest {
  @TempDir Path dir;

  @Test
  void pngFilesEncodeToTheReferenceFeaturesUsingTheCheckpointsNormalisation() throws Exception {
    try (SafetensorsFile golden = GoldenFixtures.golden("tiny-b/golden.safetensors");
        ClipBackbone backbone = ClipBackbone.load(GoldenFixtures.path("tiny-b/open_clip"))) {
      assertThat(backbone.normalization().mean()).containsExactly(0.485, 0.456, 0.406);
      long[] shape = golden.entry("image_u8").shape(); // [3, 32, 32, 3], HWC bytes
      long[] bytes = golden.readLongs("image_u8");
      List<Path> files = new ArrayList<>();
      for (int n = 0; n < shape[0]; n++) {
        BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
          for (int x = 0; x < 32; x++) {
            int at = ((n * 32 + y) * 32 + x) * 3;
            image.setRGB(x, y, ((int) bytes[at] << 16) | ((int) bytes[at + 1] << 8) | (int) bytes[at + 2]);
          }
        }
        Path file = dir.resolve("image" + n + ".png");
        ImageIO.write(image, "png", file.toFile());
        files.add(file);
      }
      FeatureEncoder encoder = new FeatureEncoder(backbone, 2);
      int[] progress = {0};
      float[] features = encoder.encodeImages(files, n -> progress[0] += n);
      assertThat(progress[0]).isEqualTo(3);
      assertThat(GoldenFixtures.errorRelativeToNorm(features, golden.readFloats("image_features"), 32)).isLessThan(1e-4);
    }
  }

  @Test
  void anUnreadableImageIsNamed() throws Exception {
    Path bad = java.nio.file.Files.writeString(dir.resolve("broken.png"), "\u0089PNG but not really");
    try (ClipBackbone backbone = ClipBackbone.load(GoldenFixtures.path("tiny-a/hf"))) {
      FeatureEncoder encoder = new FeatureEncoder(backbone, 4);
      assertThatThrownBy(() -> encoder.encodeImages(List.of(bad), n -> { }))
          .isInstanceOf(ImageReadException.class)
          .hasMessageStartingWith(bad.toString());
    }
  }
}
