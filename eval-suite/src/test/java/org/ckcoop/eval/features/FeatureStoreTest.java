package org.ckcoop.eval.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.backbone.checkpoint.CheckpointLayout;
import org.ckcoop.backbone.checkpoint.RandomCheckpoints;
import org.ckcoop.backbone.encode.FeatureEncoder;
import org.ckcoop.backbone.safetensors.StorageType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feature cache: hits are identical, corrupt entries are rebuilt, keys follow backbone, view and content. */
class FeatureStoreTest {
  @TempDir static Path shared;
  static ClipBackbone backbone;
  static ClipBackbone other;
  static List<Path> images;

  @TempDir Path dir;

  @BeforeAll
  static void setUp() throws Exception {
    RandomCheckpoints.write(shared.resolve("a"), RandomCheckpoints.preset("tiny"), CheckpointLayout.named("huggingface"),
        StorageType.F32, 1);
    RandomCheckpoints.write(shared.resolve("b"), RandomCheckpoints.preset("tiny"), CheckpointLayout.named("huggingface"),
        StorageType.F32, 2);
    backbone = ClipBackbone.load(shared.resolve("a"));
    other = ClipBackbone.load(shared.resolve("b"));
    images = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      BufferedImage image = new BufferedImage(20 + i, 16, BufferedImage.TYPE_INT_RGB);
      for (int x = 0; x < image.getWidth(); x++) {
        for (int y = 0; y < 16; y++) {
          image.setRGB(x, y, new Color((x * 37 + i * 50) % 256, (y * 23 + i * 80) % 256, (x * y + i) % 256).getRGB());
        }
      }
      Path file = shared.resolve("images/img" + i + ".png");
      Files.createDirectories(file.getParent());
      ImageIO.write(image, "png", file.toFile());
      images.add(file);
    }
  }

  @AfterAll
  static void tearDown() {
    backbone.close();
    other.close();
  }

  @Test
  void aHitReturnsTheEncodedFeaturesFromMemoryThenFromDisk() {
    FeatureStore store = new FeatureStore(dir, backbone, 2);
    float[] first = store.features(images, FeatureView.TEST, n -> { });
    // Same batch size: the same forward passes, so the same bits (another batch size may change the last bit).
    assertThat(first).containsExactly(new FeatureEncoder(backbone, 2).encodeImages(images, n -> { }));
    assertThat(store.features(images, FeatureView.TEST, n -> { })).isSameAs(first);
    assertThat(store.counts()).isEqualTo(new FeatureStore.Counts(1, 0, 1, 0));
    Path file = store.file(store.key(images, FeatureView.TEST));
    assertThat(file).isRegularFile().hasParent(dir.resolve(file.getFileName().toString().substring(0, 2)));

    FeatureStore later = new FeatureStore(dir, backbone, 4);
    int[] progress = new int[1];
    assertThat(later.features(images, FeatureView.TEST, n -> progress[0] += n)).containsExactly(first);
    assertThat(later.counts()).isEqualTo(new FeatureStore.Counts(0, 1, 0, 0));
    assertThat(progress[0]).isZero();
  }

  @Test
  void aTruncatedOrCorruptEntryIsDetectedAndRebuilt() throws Exception {
    FeatureStore store = new FeatureStore(dir, backbone, 8);
    float[] good = store.features(images, FeatureView.TEST, n -> { });
    Path file = store.file(store.key(images, FeatureView.TEST));
    byte[] bytes = Files.readAllBytes(file);

    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 7));
    FeatureStore afterTruncation = new FeatureStore(dir, backbone, 8);
    assertThat(afterTruncation.features(images, FeatureView.TEST, n -> { })).containsExactly(good);
    assertThat(afterTruncation.counts()).isEqualTo(new FeatureStore.Counts(0, 0, 1, 1));
    assertThat(Files.readAllBytes(file)).isEqualTo(bytes);

    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(bytes.length - 5);
      f.write(bytes[bytes.length - 5] ^ 0x40); // one bit of the last value: still a well-formed file
    }
    FeatureStore afterBitFlip = new FeatureStore(dir, backbone, 8);
    assertThat(afterBitFlip.features(images, FeatureView.TEST, n -> { })).containsExactly(good);
    assertThat(afterBitFlip.counts()).isEqualTo(new FeatureStore.Counts(0, 0, 1, 1));
    assertThat(Files.readAllBytes(file)).isEqualTo(bytes);

    Files.writeString(file, "not a safetensors file");
    FeatureStore afterGarbage = new FeatureStore(dir, backbone, 8);
    assertThat(afterGarbage.features(images, FeatureView.TEST, n -> { })).containsExactly(good);
    assertThat(afterGarbage.counts().rebuilt()).isEqualTo(1);
  }

  @Test
  void theKeyFollowsTheBackboneThePreprocessingAndTheImageContentNotTheirPlace() throws Exception {
    FeatureStore a = new FeatureStore(dir, backbone, 8);
    FeatureStore b = new FeatureStore(dir, other, 8);
    String test = a.key(images, FeatureView.TEST);
    assertThat(b.key(images, FeatureView.TEST)).isNotEqualTo(test);
    assertThat(a.key(images, FeatureView.augmented(1, 0))).isNotEqualTo(test)
        .isNotEqualTo(a.key(images, FeatureView.augmented(1, 1)))
        .isNotEqualTo(a.key(images, FeatureView.augmented(2, 0)));
    assertThat(a.key(images.subList(0, 4), FeatureView.TEST)).isNotEqualTo(test);
    assertThat(a.key(List.of(images.get(1), images.get(0)), FeatureView.TEST))
        .isNotEqualTo(a.key(images.subList(0, 2), FeatureView.TEST));
    assertThat(a.preprocessing(FeatureView.TEST)).startsWith("ClipPreprocessor[resolution=32");
    assertThat(a.preprocessing(FeatureView.augmented(3, 2))).startsWith("TrainAugmentation[resolution=32")
        .endsWith(" seed=3 view=2");

    List<Path> moved = new ArrayList<>();
    for (Path image : images) {
      Path copy = dir.resolve("elsewhere").resolve("renamed-" + image.getFileName());
      Files.createDirectories(copy.getParent());
      moved.add(Files.copy(image, copy));
    }
    assertThat(a.key(moved, FeatureView.TEST)).isEqualTo(test);
    float[] original = a.features(images, FeatureView.TEST, n -> { });
    assertThat(new FeatureStore(dir, backbone, 8).features(moved, FeatureView.TEST, n -> { })).containsExactly(original);

    Files.copy(images.get(1), moved.get(0), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.setLastModifiedTime(moved.get(0), java.nio.file.attribute.FileTime.fromMillis(1_000_000));
    assertThat(a.key(moved, FeatureView.TEST)).isNotEqualTo(test);
  }

  @Test
  void augmentedViewsAreSeededPerImageAndDifferFromTheTestView() {
    FeatureStore store = new FeatureStore(dir, backbone, 1);
    float[] test = store.features(images, FeatureView.TEST, n -> { });
    float[] view0 = store.features(images, FeatureView.augmented(5, 0), n -> { });
    float[] view1 = store.features(images, FeatureView.augmented(5, 1), n -> { });
    assertThat(view0).hasSameSizeAs(test).isNotEqualTo(test).isNotEqualTo(view1);
    // A view of an image does not depend on the list it is in.
    float[] alone = new FeatureStore(dir.resolve("other"), backbone, 1)
        .features(List.of(images.get(3)), FeatureView.augmented(5, 0), n -> { });
    int width = backbone.architecture().embedDim();
    assertThat(alone).containsExactly(java.util.Arrays.copyOfRange(view0, 3 * width, 4 * width));
  }

  @Test
  void twoWritersOfTheSameEntryLeaveOneValidEntry() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<float[]>> results = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        results.add(pool.submit(() -> new FeatureStore(dir, backbone, 1).features(images, FeatureView.TEST, n -> { })));
      }
      float[] a = results.get(0).get();
      float[] b = results.get(1).get();
      assertThat(a).containsExactly(b);
      FeatureStore reader = new FeatureStore(dir, backbone, 8);
      assertThat(reader.features(images, FeatureView.TEST, n -> { })).containsExactly(a);
      assertThat(reader.counts()).isEqualTo(new FeatureStore.Counts(0, 1, 0, 0));
      try (var files = Files.walk(dir)) {
        assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
            .allMatch(name -> name.endsWith(".safetensors") && !name.startsWith("."));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anEntryHoldingANanIsRefusedNamingTheEntryAndTheImageAndRebuilt() throws Exception {
    FeatureStore store = new FeatureStore(dir, backbone, 8);
    float[] good = store.features(images, FeatureView.TEST, n -> { });
    String key = store.key(images, FeatureView.TEST);
    Path file = store.file(key);
    int width = backbone.architecture().embedDim();
    float[] bad = good.clone();
    bad[width + 3] = Float.NaN;
    java.util.Map<String, String> meta;
    try (org.ckcoop.backbone.safetensors.SafetensorsFile f = org.ckcoop.backbone.safetensors.SafetensorsFile.open(file)) {
      meta = new java.util.TreeMap<>(f.metadata());
    }
    meta.put("data_sha256", FeatureStore.dataHash(bad)); // a well-formed entry whose hash checks out
    new org.ckcoop.backbone.safetensors.SafetensorsWriter().putAllMetadata(meta)
        .addFloats("features", bad, new long[] {images.size(), width}, StorageType.F32).write(file);

    ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(FeatureStore.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
        new ch.qos.logback.core.read.ListAppender<>();
    appender.start();
    log.addAppender(appender);
    try {
      FeatureStore later = new FeatureStore(dir, backbone, 8);
      assertThat(later.features(images, FeatureView.TEST, n -> { })).containsExactly(good);
      assertThat(later.counts()).isEqualTo(new FeatureStore.Counts(0, 0, 1, 1));
    } finally {
      log.detachAppender(appender);
    }
    assertThat(appender.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
        .contains(file + ": feature cache entry is corrupt or partial (the feature of image " + images.get(1)
            + " (row 1) is NaN at dimension 3); recomputing it");
  }

  @Test
  void nonFiniteFeaturesAreNamedByImageAndRow() {
    List<Path> two = images.subList(0, 2);
    assertThat(FeatureStore.nonFinite(new float[] {1, 2, 3, 4}, two, 2)).isNull();
    assertThat(FeatureStore.nonFinite(new float[] {1, 2, 3, Float.POSITIVE_INFINITY}, two, 2))
        .isEqualTo("the feature of image " + two.get(1) + " (row 1) is Infinity at dimension 1");
  }
}
