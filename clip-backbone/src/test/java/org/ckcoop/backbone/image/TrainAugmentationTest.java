package org.ckcoop.backbone.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** RandomResizedCrop + RandomHorizontalFlip: arithmetic, bounds, determinism, draw order. */
class TrainAugmentationTest {
  private static final RgbImage IMAGE =
      ImageDecoder.read(GoldenManifest.file("rgb_300x200.png"));

  /** Replays fixed uniforms: nextDouble() returns them in turn, nextInt(b) is int(u * b). */
  private static final class Replay implements RandomGenerator {
    private final double[] values;
    private int next;
    final List<String> calls = new ArrayList<>();

    Replay(double... values) {
      this.values = values;
    }

    @Override
    public double nextDouble() {
      calls.add("double");
      return values[next++];
    }

    @Override
    public int nextInt(int bound) {
      calls.add("int(" + bound + ")");
      return (int) (values[next++] * bound);
    }

    @Override
    public long nextLong() {
      throw new UnsupportedOperationException("not used by TrainAugmentation");
    }
  }

  /** Records the calls made on a real generator. */
  private static final class Recording implements RandomGenerator {
    private final SplittableRandom random;
    final List<String> calls = new ArrayList<>();

    Recording(long seed) {
      random = new SplittableRandom(seed);
    }

    @Override
    public double nextDouble() {
      calls.add("double");
      return random.nextDouble();
    }

    @Override
    public int nextInt(int bound) {
      calls.add("int(" + bound + ")");
      return random.nextInt(bound);
    }

    @Override
    public long nextLong() {
      throw new UnsupportedOperationException("not used by TrainAugmentation");
    }
  }

  @TestFactory
  Stream<DynamicTest> cropParametersFollowTorchvisionGetParamsArithmetic() {
    TrainAugmentation aug = new TrainAugmentation(224);
    return GoldenManifest.entries("cropparams").stream()
        .map(e -> dynamicTest(e.toString(), () -> {
          double[] uniforms = e.fields().subList(7, e.fields().size()).stream()
              .mapToDouble(Double::parseDouble).toArray();
          Replay rng = new Replay(uniforms);
          CropBox box = aug.sampleCrop(e.intField(0), e.intField(1), rng);
          assertThat(box).isEqualTo(
              new CropBox(e.intField(2), e.intField(3), e.intField(4), e.intField(5)));
          assertThat(aug.sampleFlip(rng)).isEqualTo(e.intField(6) == 1);
        }));
  }

  @Test
  void sameSeedSameTensorDifferentSeedDifferentTensor() {
    TrainAugmentation aug = new TrainAugmentation(32);
    float[] a = aug.apply(IMAGE, new SplittableRandom(42));
    float[] b = aug.apply(IMAGE, new SplittableRandom(42));
    float[] c = aug.apply(IMAGE, new SplittableRandom(43));
    assertThat(a).hasSize(3 * 32 * 32).containsExactly(b);
    assertThat(c).isNotEqualTo(a);
    // Repeated use of one generator gives a sequence that is itself reproducible.
    SplittableRandom r1 = new SplittableRandom(7);
    SplittableRandom r2 = new SplittableRandom(7);
    for (int i = 0; i < 5; i++) {
      assertThat(aug.apply(IMAGE, r1)).containsExactly(aug.apply(IMAGE, r2));
    }
  }

  @Test
  void cropsStayInsideTheImageAndWithinScaleAndRatioBounds() {
    TrainAugmentation aug = new TrainAugmentation(224);
    SplittableRandom sizes = new SplittableRandom(1);
    SplittableRandom rng = new SplittableRandom(2);
    for (int i = 0; i < 20_000; i++) {
      int width = 1 + sizes.nextInt(1200);
      int height = 1 + sizes.nextInt(1200);
      CropBox box = aug.sampleCrop(width, height, rng);
      assertThat(box.top()).isBetween(0, height - box.height());
      assertThat(box.left()).isBetween(0, width - box.width());
      assertThat(box.height()).isBetween(1, height);
      assertThat(box.width()).isBetween(1, width);
    }
    // Images whose own ratio is inside [3/4, 4/3]: every crop (the fallback being the whole
    // image) has an area fraction in [0.08, 1] and a ratio in [3/4, 4/3], up to the rounding of
    // w and h to integers.
    for (int i = 0; i < 20_000; i++) {
      int height = 40 + sizes.nextInt(800);
      int width = (int) (height * (0.75 + 0.58 * sizes.nextDouble()));
      if ((double) width / height < 0.75 || (double) width / height > 4.0 / 3.0) {
        continue;
      }
      CropBox box = aug.sampleCrop(width, height, rng);
      double area = (double) width * height;
      double w = box.width();
      double h = box.height();
      assertThat((w - 0.5) * (h - 0.5)).isLessThanOrEqualTo(1.0 * area);
      assertThat((w + 0.5) * (h + 0.5)).isGreaterThanOrEqualTo(0.08 * area);
      assertThat((w - 0.5) / (h + 0.5)).isLessThanOrEqualTo(4.0 / 3.0);
      assertThat((w + 0.5) / (h - 0.5)).isGreaterThanOrEqualTo(3.0 / 4.0);
    }
  }

  @Test
  void fallbackIsTheCentralCropWithTheRatioClamped() {
    TrainAugmentation aug = new TrainAugmentation(224);
    double[] large = new double[21];
    java.util.Arrays.fill(large, 0.999999);
    // 1000 x 20: every attempt is too tall, so ratio 100 is clamped to 4/3: h = 20, w = 27.
    Replay wide = new Replay(large);
    assertThat(aug.sampleCrop(1000, 20, wide)).isEqualTo(new CropBox(0, 486, 20, 27));
    assertThat(wide.calls).hasSize(20).containsOnly("double");
    // 20 x 1000: w = 20, h = round(20 / 0.75) = 27.
    assertThat(aug.sampleCrop(20, 1000, new Replay(large))).isEqualTo(new CropBox(486, 0, 27, 20));
  }

  @Test
  void drawOrderIsScaleRatioPerAttemptThenTopLeftThenFlip() {
    TrainAugmentation aug = new TrainAugmentation(32);
    Recording rng = new Recording(5);
    aug.apply(IMAGE, rng);
    List<String> calls = rng.calls;
    assertThat(calls.get(calls.size() - 1)).isEqualTo("double"); // the flip
    assertThat(calls.get(calls.size() - 2)).startsWith("int("); // left
    assertThat(calls.get(calls.size() - 3)).startsWith("int("); // top
    List<String> attempts = calls.subList(0, calls.size() - 3);
    assertThat(attempts).containsOnly("double");
    assertThat(attempts.size() % 2).isZero();
    assertThat(attempts.size()).isBetween(2, 20);
    // Replaying the recorded calls in order reproduces the crop.
    Replay replay = new Replay(0.5, 0.5, 0.25, 0.75, 0.9);
    CropBox box = aug.sampleCrop(300, 200, replay);
    assertThat(replay.calls).containsExactly("double", "double",
        "int(" + (200 - box.height() + 1) + ")", "int(" + (300 - box.width() + 1) + ")");
  }

  @Test
  void flipIsAMirrorOfTheSameCrop() {
    TrainAugmentation aug = new TrainAugmentation(48);
    CropBox box = new CropBox(10, 20, 150, 170);
    RgbImage plain = aug.augment(IMAGE, box, false);
    RgbImage flipped = aug.augment(IMAGE, box, true);
    assertThat(flipped).isEqualTo(plain.flipHorizontal()).isNotEqualTo(plain);
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 48; x++) {
        assertThat(flipped.rgb(x, y)).isEqualTo(plain.rgb(47 - x, y));
      }
    }
  }

  @Test
  void tensorIsTheNormalisedAugmentedPicture() {
    TrainAugmentation aug = new TrainAugmentation(40);
    int flips = 0;
    for (long seed = 0; seed < 16; seed++) {
      float[] tensor = aug.apply(IMAGE, new SplittableRandom(seed));
      RgbImage picture = aug.augment(IMAGE, new SplittableRandom(seed));
      assertThat(tensor).containsExactly(ChannelNormalization.CLIP.toTensor(picture));
      SplittableRandom r = new SplittableRandom(seed);
      CropBox box = aug.sampleCrop(IMAGE.width(), IMAGE.height(), r);
      boolean flip = aug.sampleFlip(r);
      assertThat(picture).isEqualTo(aug.augment(IMAGE, box, flip));
      flips += flip ? 1 : 0;
    }
    assertThat(flips).isBetween(1, 15); // both branches were exercised
  }

  @Test
  void flipProbabilityZeroAndOne() {
    RgbImage small = IMAGE.crop(0, 0, 60, 50);
    TrainAugmentation never =
        new TrainAugmentation(16, 1.0, 1.0, 1.2, 1.2, 0.0, ChannelNormalization.CLIP);
    TrainAugmentation always =
        new TrainAugmentation(16, 1.0, 1.0, 1.2, 1.2, 1.0, ChannelNormalization.CLIP);
    // scale 1 and ratio 60/50 = 1.2: the crop is the whole image every time.
    RgbImage whole = BicubicResampler.resize(small, 16, 16);
    for (long seed = 0; seed < 10; seed++) {
      assertThat(never.augment(small, new SplittableRandom(seed))).isEqualTo(whole);
      assertThat(always.augment(small, new SplittableRandom(seed)))
          .isEqualTo(whole.flipHorizontal());
    }
  }

  @Test
  void rejectsBadConfiguration() {
    ChannelNormalization n = ChannelNormalization.CLIP;
    assertThatThrownBy(() -> new TrainAugmentation(0)).isInstanceOf(
        IllegalArgumentException.class);
    assertThatThrownBy(() -> new TrainAugmentation(8, 1.0, 0.5, 0.75, 1.33, 0.5, n))
        .hasMessageContaining("scale");
    assertThatThrownBy(() -> new TrainAugmentation(8, 0.1, 1.0, 2.0, 1.0, 0.5, n))
        .hasMessageContaining("ratio");
    assertThatThrownBy(() -> new TrainAugmentation(8, 0.1, 1.0, 0.75, 1.33, 1.5, n))
        .hasMessageContaining("flip");
  }
}
