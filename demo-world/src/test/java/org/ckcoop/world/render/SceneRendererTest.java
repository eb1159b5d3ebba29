package org.ckcoop.world.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;
import org.ckcoop.backbone.image.RgbImage;
import org.junit.jupiter.api.Test;

/** Geometry, styles, determinism and speed of the renderer. */
class SceneRendererTest {
  static final Background PLAIN_GREY = new Background(BackgroundPattern.PLAIN, 0xC8C8C8, 0x808080, 0, 0, 0, 0, 0, 0, 0);

  static Scene scene(ObjectShape shape, RenderStyle style, double radius) {
    return new Scene(shape, ObjectColour.RED, ObjectSize.LARGE, style, ObjectColour.RED.rgb(),
        new Placement(16, 16, radius, 0), PLAIN_GREY, Optional.empty(), 7);
  }

  static String sha256(RgbImage image) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image.toByteArray()));
  }

  /** Pixels closer to the object's red than to the grey background. */
  static int redPixels(RgbImage image) {
    int n = 0;
    for (int y = 0; y < image.height(); y++) {
      for (int x = 0; x < image.width(); x++) {
        if (image.sample(x, y, 0) - image.sample(x, y, 1) > 80) {
          n++;
        }
      }
    }
    return n;
  }

  /**
   * The object's area in pixels, from the green channel: grey 200 where there is no object, the
   * red's 35 (times a shading of 0.8 to 1.2) where it covers a pixel fully.
   */
  static double area(RgbImage image) {
    double sum = 0;
    for (int y = 0; y < image.height(); y++) {
      for (int x = 0; x < image.width(); x++) {
        sum += (200 - image.sample(x, y, 1)) / 165.0;
      }
    }
    return sum;
  }

  @Test
  void filledShapesCoverTheirArea() {
    // circle of radius 0.92 * 12 px: pi * 11.04^2 = 382.9 px
    assertThat(area(SceneRenderer.render(scene(ObjectShape.CIRCLE, RenderStyle.PHOTO, 12), 32))).isBetween(371.0, 395.0);
    // square of half side 0.7 * 12 = 8.4 px: 282.2 px
    assertThat(area(SceneRenderer.render(scene(ObjectShape.SQUARE, RenderStyle.PHOTO, 12), 32))).isBetween(273.0, 291.0);
    // ring between 0.49 and 0.95 of 12 px: pi * (11.4^2 - 5.88^2) = 299.6 px
    RgbImage ring = SceneRenderer.render(scene(ObjectShape.RING, RenderStyle.PHOTO, 12), 32);
    assertThat(area(ring)).isBetween(290.0, 309.0);
    assertThat(ring.sample(16, 16, 1)).isBetween(195, 205); // the hole shows the background
    // star: 10 triangles (0, outer 1, inner 0.45, 36 degrees apart) of 12 px: 10 * 0.5 * 144 * 0.45 * sin(36) = 190.4 px
    assertThat(area(SceneRenderer.render(scene(ObjectShape.STAR, RenderStyle.PHOTO, 12), 32))).isBetween(184.0, 197.0);
    // twice the pixels per unit: four times the area
    assertThat(area(SceneRenderer.render(scene(ObjectShape.CIRCLE, RenderStyle.PHOTO, 12), 64)))
        .isBetween(4 * 371.0, 4 * 395.0);
  }

  @Test
  void edgesAreAntiAliasedAndInteriorsSolid() {
    RgbImage image = SceneRenderer.render(scene(ObjectShape.CIRCLE, RenderStyle.PHOTO, 12.5), 32);
    // centre: red, shaded by at most 20%, noise +-3
    assertThat(image.sample(16, 16, 0)).isBetween(200, 230);
    assertThat(image.sample(16, 16, 1)).isBetween(25, 50);
    // the edge x = 16 + 0.92 * 12.5 = 27.5 cuts pixels 27 of rows 15 and 16 in half: green 200 - 165 / 2
    assertThat(image.sample(27, 16, 1)).isBetween(100, 135);
    assertThat(image.sample(27, 15, 1)).isBetween(100, 135);
    assertThat(image.sample(26, 16, 1)).isLessThan(50);
    assertThat(image.sample(28, 16, 1)).isGreaterThan(195);
    assertThat(image.sample(0, 0, 1)).isBetween(195, 205);
  }

  @Test
  void sketchesDrawOutlinesOnPaper() {
    RgbImage sketch = SceneRenderer.render(scene(ObjectShape.CIRCLE, RenderStyle.SKETCH, 12), 32);
    assertThat(sketch.sample(16, 16, 1)).isGreaterThan(220); // inside: paper
    assertThat(sketch.sample(0, 0, 1)).isGreaterThan(220);
    int outline = redPixels(sketch);
    // a band 1.6 px wide around a circle of radius 11.04: 2 * pi * 11.04 * 1.6 = 111 px, partly below the threshold
    assertThat(outline).isBetween(60, 130);
  }

  @Test
  void nightDarkensAndPixelatedMakesBlocks() {
    RgbImage photo = SceneRenderer.render(scene(ObjectShape.SQUARE, RenderStyle.PHOTO, 12), 32);
    RgbImage night = SceneRenderer.render(scene(ObjectShape.SQUARE, RenderStyle.NIGHT, 12), 32);
    assertThat(night.sample(0, 0, 0)).isLessThan(photo.sample(0, 0, 0) / 2);
    assertThat(night.sample(16, 16, 0)).isLessThan(photo.sample(16, 16, 0));
    assertThat(night.sample(0, 0, 2)).isGreaterThan(night.sample(0, 0, 0)); // blue cast

    RgbImage pixelated = SceneRenderer.render(scene(ObjectShape.SQUARE, RenderStyle.PIXELATED, 12), 32);
    // block averaging (2x2) then noise of +-22: the four pixels of a block differ by at most 44
    int spread = 0;
    for (int by = 0; by < 32; by += 2) {
      for (int bx = 0; bx < 32; bx += 2) {
        int lo = 255;
        int hi = 0;
        for (int k = 0; k < 4; k++) {
          int v = pixelated.sample(bx + k % 2, by + k / 2, 1);
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
        spread = Math.max(spread, hi - lo);
      }
    }
    assertThat(spread).isLessThanOrEqualTo(45);
    assertThat(spread).isGreaterThan(10);
  }

  @Test
  void renderingIsDeterministicAndSeedDependent() throws Exception {
    Scene a = SceneSampler.sample(SplitMix64.forExample(1, 9, 5), SceneRequest.any());
    Scene again = SceneSampler.sample(SplitMix64.forExample(1, 9, 5), SceneRequest.any());
    assertThat(again).isEqualTo(a);
    assertThat(SceneRenderer.render(again, 32)).isEqualTo(SceneRenderer.render(a, 32));
    Scene other = SceneSampler.sample(SplitMix64.forExample(2, 9, 5), SceneRequest.any());
    assertThat(other).isNotEqualTo(a);
    assertThat(SceneRenderer.render(other, 32)).isNotEqualTo(SceneRenderer.render(a, 32));
  }

  @Test
  void fixingAnAttributeDoesNotChangeTheOtherDraws() {
    Scene free = SceneSampler.sample(SplitMix64.forExample(3, 1, 1), SceneRequest.any());
    Scene fixed = SceneSampler.sample(SplitMix64.forExample(3, 1, 1),
        SceneRequest.any().withStyle(RenderStyle.SKETCH).withShape(ObjectShape.STAR));
    assertThat(fixed.style()).isEqualTo(RenderStyle.SKETCH);
    assertThat(fixed.shape()).isEqualTo(ObjectShape.STAR);
    assertThat(fixed.object()).isEqualTo(free.object());
    assertThat(fixed.background()).isEqualTo(free.background());
    assertThat(fixed.noiseSeed()).isEqualTo(free.noiseSeed());
  }

  @Test
  void everyAttributeVaries() {
    EnumSet<ObjectShape> shapes = EnumSet.noneOf(ObjectShape.class);
    EnumSet<ObjectColour> colours = EnumSet.noneOf(ObjectColour.class);
    EnumSet<BackgroundPattern> patterns = EnumSet.noneOf(BackgroundPattern.class);
    EnumSet<ObjectSize> sizes = EnumSet.noneOf(ObjectSize.class);
    int[] styles = new int[RenderStyle.values().length];
    int distractors = 0;
    double minX = 99;
    double maxX = -99;
    double minRotation = 9;
    double maxRotation = -9;
    int n = 2000;
    for (int i = 0; i < n; i++) {
      Scene s = SceneSampler.sample(SplitMix64.forExample(1, 0, i), SceneRequest.any());
      shapes.add(s.shape());
      colours.add(s.colour());
      patterns.add(s.pattern());
      sizes.add(s.size());
      styles[s.style().ordinal()]++;
      distractors += s.distractor().isPresent() ? 1 : 0;
      minX = Math.min(minX, s.object().centreX());
      maxX = Math.max(maxX, s.object().centreX());
      minRotation = Math.min(minRotation, s.object().rotation());
      maxRotation = Math.max(maxRotation, s.object().rotation());
      assertThat(s.object().radius()).isBetween(s.size().minRadius(), s.size().maxRadius());
      assertThat(s.object().centreX() - s.object().radius()).isGreaterThanOrEqualTo(1.5);
      assertThat(s.object().centreY() + s.object().radius()).isLessThanOrEqualTo(30.5);
      assertThat(s.objectRgb()).isNotEqualTo(0);
    }
    assertThat(shapes).hasSize(ObjectShape.values().length);
    assertThat(colours).hasSize(ObjectColour.values().length);
    assertThat(patterns).hasSize(BackgroundPattern.values().length);
    assertThat(sizes).hasSize(2);
    for (RenderStyle style : RenderStyle.values()) {
      double share = styles[style.ordinal()] / (double) n;
      assertThat(share).isCloseTo(SceneRequest.PRETRAINING_STYLE_WEIGHTS[style.ordinal()],
          org.assertj.core.data.Offset.offset(0.04));
    }
    assertThat(distractors / (double) n).isBetween(0.08, 0.22);
    assertThat(minX).isLessThan(10);
    assertThat(maxX).isGreaterThan(22);
    assertThat(minRotation).isLessThan(-0.45);
    assertThat(maxRotation).isGreaterThan(0.45);
  }

  @Test
  void imagesHaveTheRequestedSize() {
    Scene s = SceneSampler.sample(SplitMix64.forExample(1, 0, 0), SceneRequest.any());
    for (int size : new int[] {16, 32, 48, 64}) {
      RgbImage image = SceneRenderer.render(s, size);
      assertThat(image.width()).isEqualTo(size);
      assertThat(image.height()).isEqualTo(size);
    }
  }

  @Test
  void goldenImages() throws Exception {
    // Any change here changes every world: bump WorldCorpus.GENERATOR_VERSION with the new values.
    String[] expected = {
        "d2cf11e0ed39dfda4d1c5c5e216e4a295a6a123ff54c1be522353cf0f711bae3",
        "5838b3c898255d7381f1b8ac3b89a23966d09c247eab65e937edf29cf3f0df34",
        "d01767d2a9aeaf334f783825060f7ccf58da83c321a063df02d859a3f86df78d",
        "91ff98c61a4608b423b66af76fabe0648543f8ce81313168c7076991d58dc68f"};
    for (int style = 0; style < 4; style++) {
      Scene s = SceneSampler.sample(SplitMix64.forExample(2024, 11, style),
          SceneRequest.any().withStyle(RenderStyle.values()[style]));
      assertThat(sha256(SceneRenderer.render(s, 32))).as(RenderStyle.values()[style].toString())
          .isEqualTo(expected[style]);
    }
  }
}
