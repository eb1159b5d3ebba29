package org.ckcoop.backbone.encode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.backbone.image.ChannelNormalization;
import org.ckcoop.backbone.image.ClipPreprocessor;
import org.ckcoop.common.engine.EngineArrays;

/**
 * Encodes image files and texts through a backbone in batches. Each batch runs in its own NDManager,
 * closed when the batch is done, so memory stays flat however many inputs there are.
 */
public final class FeatureEncoder {
  private final ClipBackbone backbone;
  private final int batchSize;
  private final ClipPreprocessor preprocessor;

  /**
   * Creates an encoder.
   *
   * @param backbone the frozen model
   * @param batchSize inputs per forward pass (at least 1)
   */
  public FeatureEncoder(ClipBackbone backbone, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    this.backbone = backbone;
    this.batchSize = batchSize;
    this.preprocessor = new ClipPreprocessor(
        backbone.architecture().imageResolution(),
        ChannelNormalization.of(backbone.normalization()));
  }

  /** Returns the preprocessing applied to images (CLIP's: bicubic resize, center crop, normalise). */
  public ClipPreprocessor preprocessor() {
    return preprocessor;
  }

  /**
   * Encodes images in the given order into row-major features [N, embed].
   *
   * @param progress called with the number of images finished after each batch
   */
  public float[] encodeImages(List<Path> images, IntConsumer progress) {
    int embed = backbone.architecture().embedDim();
    int r = backbone.architecture().imageResolution();
    float[] out = new float[images.size() * embed];
    for (int start = 0; start < images.size(); start += batchSize) {
      List<Path> batch = images.subList(start, Math.min(images.size(), start + batchSize));
      float[] pixels = preprocessor.preprocessBatch(batch);
      try (NDManager manager = EngineRuntime.engine().newBaseManager(backbone.device())) {
        NDArray x = EngineArrays.of(manager, pixels, new Shape(batch.size(), 3, r, r));
        System.arraycopy(backbone.encodeImages(x).toFloatArray(), 0, out, start * embed, batch.size() * embed);
      }
      progress.accept(batch.size());
    }
    return out;
  }

  /**
   * Encodes texts in the given order into row-major features [M, embed].
   *
   * @param tokens the texts' token ids [M][contextLength], from the backbone's tokenizer
   * @param progress called with the number of texts finished after each batch
   */
  public float[] encodeTokens(long[][] tokens, IntConsumer progress) {
    int embed = backbone.architecture().embedDim();
    float[] out = new float[tokens.length * embed];
    for (int start = 0; start < tokens.length; start += batchSize) {
      int count = Math.min(tokens.length, start + batchSize) - start;
      try (NDManager manager = EngineRuntime.engine().newBaseManager(backbone.device())) {
        NDArray ids = ClipBackbone.tokenIds(manager, Arrays.copyOfRange(tokens, start, start + count));
        System.arraycopy(backbone.encodeTokens(ids).toFloatArray(), 0, out, start * embed, count * embed);
      }
      progress.accept(count);
    }
    return out;
  }
}
