package org.ckcoop.core.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.common.InputException;
import org.ckcoop.backbone.image.ChannelNormalization;
import org.ckcoop.backbone.image.ClipPreprocessor;
import org.ckcoop.backbone.image.TrainAugmentation;
import org.ckcoop.common.engine.EngineArrays;

/**
 * Training examples read from image files and encoded by the frozen image tower when the trainer asks
 * for them, either with CLIP's test preprocessing or with CoOp's training augmentation (random
 * resized crop, scale 0.08-1, ratio 3/4-4/3, bicubic; horizontal flip), drawn from
 * {@code (seed, example, epoch)} alone so a resumed run sees the same crops.
 *
 * <p>Learners whose prompts do not depend on the image train faster from {@link CachedFeatures};
 * learners with prompts in the image tower train from these, which also hand out the pixels.
 */
public final class EncodedImages implements TrainingData {
  private final ClipBackbone backbone;
  private final List<Path> images;
  private final int[] labels;
  private final boolean augment;
  private final long seed;
  private final ClipPreprocessor preprocessor;
  private final TrainAugmentation augmentation;
  private final String identity;

  /**
   * Creates the data; every file is read once here to compute the identity (a content hash), so a
   * missing or unreadable image fails before training starts.
   *
   * @throws InputException naming the file that cannot be read
   */
  public EncodedImages(ClipBackbone backbone, List<Path> images, int[] labels, boolean augment, long seed) {
    if (images.size() != labels.length) {
      throw new IllegalArgumentException(images.size() + " images but " + labels.length + " labels");
    }
    this.backbone = backbone;
    this.images = List.copyOf(images);
    this.labels = labels.clone();
    this.augment = augment;
    this.seed = seed;
    int r = backbone.architecture().imageResolution();
    ChannelNormalization normalization = ChannelNormalization.of(backbone.normalization());
    this.preprocessor = new ClipPreprocessor(r, normalization);
    this.augmentation = new TrainAugmentation(r, 0.08, 1.0, 3.0 / 4, 4.0 / 3, 0.5, normalization);
    this.identity = hash();
  }

  @Override
  public int size() {
    return labels.length;
  }

  @Override
  public int featureWidth() {
    return backbone.architecture().embedDim();
  }

  @Override
  public int label(int i) {
    return labels[i];
  }

  @Override
  public void features(int i, int epoch, float[] target, int offset) {
    features(new int[] {i}, epoch, target, offset);
  }

  @Override
  public boolean hasPixels() {
    return true;
  }

  @Override
  public void pixels(int[] examples, int epoch, float[] target, int offset) {
    int r = backbone.architecture().imageResolution();
    int size = 3 * r * r;
    for (int k = 0; k < examples.length; k++) {
      Path file = images.get(examples[k]);
      float[] tensor = augment
          ? augmentation.apply(file, new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 31L * examples[k] + 0x632BE59BD9B4E019L * epoch))
          : preprocessor.preprocess(file);
      System.arraycopy(tensor, 0, target, offset + k * size, size);
    }
  }

  @Override
  public void features(int[] examples, int epoch, float[] target, int offset) {
    int r = backbone.architecture().imageResolution();
    float[] pixels = new float[examples.length * 3 * r * r];
    pixels(examples, epoch, pixels, 0);
    try (NDManager m = EngineRuntime.engine().newBaseManager(backbone.device())) {
      float[] features = backbone.encodeImages(EngineArrays.of(m, pixels, new Shape(examples.length, 3, r, r))).toFloatArray();
      System.arraycopy(features, 0, target, offset, features.length);
    }
  }

  @Override
  public String identity() {
    return identity;
  }

  private String hash() {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(("encoded-images|" + backbone.identity() + "|" + (augment ? augmentation : preprocessor) + "|" + seed)
          .getBytes(StandardCharsets.UTF_8));
      ByteBuffer label = ByteBuffer.allocate(4);
      for (int i = 0; i < images.size(); i++) {
        try {
          d.update(Files.readAllBytes(images.get(i)));
        } catch (IOException e) {
          throw new InputException(images.get(i), "cannot read image: " + e.getMessage(), e);
        }
        d.update(label.clear().putInt(labels[i]).array());
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
