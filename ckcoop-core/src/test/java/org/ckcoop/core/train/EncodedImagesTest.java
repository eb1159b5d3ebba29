package org.ckcoop.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.backbone.encode.FeatureEncoder;
import org.ckcoop.core.fixture.TinyBackbones;
import org.ckcoop.core.learner.PromptLearner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training from image files: the image tower runs per batch, with or without CoOp's augmentation. */
class EncodedImagesTest {
  @TempDir Path dir;

  private List<Path> images(int count) throws Exception {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      BufferedImage image = new BufferedImage(48, 40, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = image.createGraphics();
      g.setColor(new Color(40 * (i % 6), 200 - 30 * (i % 5), 90));
      g.fillRect(0, 0, 48, 40);
      g.setColor(Color.WHITE);
      g.fillOval(5 + i, 6, 20, 20);
      g.dispose();
      Path file = dir.resolve("img" + i + ".png");
      ImageIO.write(image, "png", file.toFile());
      files.add(file);
    }
    return files;
  }

  @Test
  void withoutAugmentationTheFeaturesAreTheEncodersAndWithItTheyVaryByEpochOnly() throws Exception {
    List<Path> files = images(6);
    int[] labels = {0, 1, 2, 0, 1, 2};
    try (ClipBackbone backbone = TinyBackbones.create(2)) {
      EncodedImages plain = new EncodedImages(backbone, files, labels, false, 1);
      float[] viaTrainer = new float[6 * 64];
      plain.features(new int[] {0, 1, 2, 3, 4, 5}, 3, viaTrainer, 0);
      float[] direct = new FeatureEncoder(backbone, 4).encodeImages(files, n -> { });
      for (int i = 0; i < direct.length; i++) {
        assertThat(viaTrainer[i]).isCloseTo(direct[i], org.assertj.core.data.Offset.offset(1e-5f));
      }
      EncodedImages augmented = new EncodedImages(backbone, files, labels, true, 1);
      float[] a = new float[64];
      float[] b = new float[64];
      float[] c = new float[64];
      augmented.features(2, 0, a, 0);
      augmented.features(2, 0, b, 0);
      augmented.features(2, 1, c, 0);
      assertThat(b).containsExactly(a);
      assertThat(c).isNotEqualTo(a);
      assertThat(augmented.identity()).isNotEqualTo(plain.identity());

      try (PromptLearner learner = ToyTraining.learner(backbone, 1)) {
        TrainingResult result = new LearnerTrainer(ToyTraining.optim(0.01), new TrainSettings(2, 3, true, 1, 10))
            .train(ToyTraining.job(learner, backbone, augmented, dir.resolve("run"), 1, false, List.of()));
        assertThat(result.history()).hasSize(2);
        assertThat(result.history().get(1).steps()).isEqualTo(2);
      }
    }
  }

  @Test
  void aMissingImageFailsBeforeTraining() {
    try (ClipBackbone backbone = TinyBackbones.create(2)) {
      Path missing = dir.resolve("gone.png");
      assertThatThrownBy(() -> new EncodedImages(backbone, List.of(missing), new int[] {0}, false, 1))
          .hasMessageContaining(missing.toString());
    }
  }
}
