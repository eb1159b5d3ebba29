package org.ckcoop.core.classify;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import org.ckcoop.common.engine.EngineArrays;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.backbone.image.ChannelNormalization;
import org.ckcoop.backbone.image.ClipPreprocessor;
import org.ckcoop.core.learner.BatchClassifier;
import org.ckcoop.core.learner.LearnerBatch;
import org.ckcoop.core.learner.PromptLearner;

/**
 * CLIP's classifier over a learner's text features: {@code logits = exp(logit_scale) *
 * normalize(image) . normalize(text)}, for shared text features [C, E] or per-image ones [B, C, E].
 */
public final class PromptClassifier {
  private PromptClassifier() {}

  /**
   * Returns logits [B, C]; the result belongs to {@code imageFeatures}' manager.
   *
   * @param imageFeatures [B, E], projected, not normalised
   * @param textFeatures [C, E] or [B, C, E], projected, not normalised
   * @param logitScale the backbone's stored log-temperature
   */
  public static NDArray logits(NDArray imageFeatures, NDArray textFeatures, float logitScale) {
    NDArray image = normalize(imageFeatures);
    NDArray text = normalize(textFeatures);
    NDArray cosine = text.getShape().dimension() == 2
        ? image.matMul(text.transpose())
        : text.matMul(image.expandDims(2)).squeeze(2);
    return cosine.mul(EngineArrays.scalar(cosine.getManager(), (float) Math.exp(logitScale)));
  }

  /** Returns the mean cross-entropy of {@code logits} [B, C] against {@code labels} [B] (int64). */
  public static NDArray crossEntropy(NDArray logits, NDArray labels) {
    NDArray logProbabilities = logits.logSoftmax(1);
    return logProbabilities.gather(labels.reshape(-1, 1), 1).mean().neg();
  }

  /** Returns {@code x / ||x||} along the last axis. */
  public static NDArray normalize(NDArray x) {
    return x.div(x.norm(new int[] {-1}, true));
  }

  /**
   * Classifies cached image features with a learner, in batches, returning logits [N, C] row-major
   * (through {@link PromptLearner#classifier}, so what does not depend on the image is computed once).
   *
   * @param features image features [N, E] row-major (projected, not normalised)
   * @throws IllegalArgumentException when the learner needs pixels, not cached features
   */
  public static float[] logits(PromptLearner learner, ClipBackbone backbone, float[] features, int count, int batchSize) {
    if (!learner.usesCachedFeatures()) {
      throw new IllegalArgumentException("this learner puts prompts into the image tower: it classifies pixels,"
          + " not cached image features");
    }
    return classify(learner, backbone, features, count, batchSize, null);
  }

  /** What a batch's pixels are made from: the images {@code start..start+n-1} [n, 3, R, R] row-major. */
  private interface PixelSource {
    float[] pixels(int start, int n);
  }

  /**
   * Runs the learner's classifier over {@code count} examples in batches (features from
   * {@code features}, pixels from {@code pixels} when not null) and returns the logits row-major.
   */
  private static float[] classify(PromptLearner learner, ClipBackbone backbone, float[] features, int count,
      int batchSize, PixelSource pixels) {
    int embed = backbone.architecture().embedDim();
    int r = backbone.architecture().imageResolution();
    int classes = learner.classNames().size();
    float[] out = new float[count * classes];
    try (NDManager root = EngineRuntime.engine().newBaseManager(backbone.device())) {
      BatchClassifier classifier = learner.classifier(root);
      for (int start = 0; start < count; start += batchSize) {
        int n = Math.min(count, start + batchSize) - start;
        try (NDManager step = root.newSubManager()) {
          float[] rows = new float[n * embed];
          System.arraycopy(features, start * embed, rows, 0, n * embed);
          NDArray image = EngineArrays.of(step, rows, new Shape(n, embed));
          NDArray batchPixels = pixels == null ? null : EngineArrays.of(step, pixels.pixels(start, n), new Shape(n, 3, r, r));
          float[] batch = classifier.logits(new LearnerBatch(step, image, batchPixels, null, false)).toFloatArray();
          System.arraycopy(batch, 0, out, start * classes, n * classes);
        }
      }
    }
    return out;
  }

  /**
   * Classifies images with any learner, in batches, returning logits [N, C] row-major: from the cached
   * features for a learner that {@link PromptLearner#usesCachedFeatures() uses them}, otherwise from
   * the images' pixels with CLIP's test preprocessing (resize, center crop, normalisation), with
   * {@code features} as the batch's frozen image features.
   *
   * @param images the image files, in the order of {@code features}' rows
   * @param features the frozen model's features of the images [N, E] row-major (test preprocessing)
   */
  public static float[] logits(PromptLearner learner, ClipBackbone backbone, List<Path> images, float[] features,
      int batchSize) {
    if (learner.usesCachedFeatures()) {
      return logits(learner, backbone, features, images.size(), batchSize);
    }
    int r = backbone.architecture().imageResolution();
    ClipPreprocessor preprocessor = new ClipPreprocessor(r, ChannelNormalization.of(backbone.normalization()));
    return classify(learner, backbone, features, images.size(), batchSize, (start, n) -> {
      float[] pixels = new float[n * 3 * r * r];
      for (int k = 0; k < n; k++) {
        System.arraycopy(preprocessor.preprocess(images.get(start + k)), 0, pixels, k * 3 * r * r, 3 * r * r);
      }
      return pixels;
    });
  }
}
