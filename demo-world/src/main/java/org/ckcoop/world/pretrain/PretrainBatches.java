package org.ckcoop.world.pretrain;

import java.util.ArrayList;
import java.util.List;
import org.ckcoop.backbone.image.ClipPreprocessor;
import org.ckcoop.backbone.text.ClipTokenizer;
import org.ckcoop.world.CaptionedImages;
import org.ckcoop.world.render.SplitMix64;

/**
 * The batches of a run: step {@code s} reads the corpus examples {@code offset + s * batch} to
 * {@code offset + (s + 1) * batch - 1}, where the offset comes from the run's seed. A batch therefore
 * depends on the step alone (the step is the whole data "random state", which makes resuming exact),
 * and never repeats an example. Images go through {@link ClipPreprocessor} exactly as at evaluation
 * time (for images already at the model's resolution that is CLIP's per-channel normalisation);
 * captions through the run's tokenizer.
 */
final class PretrainBatches {
  private static final long STREAM = SplitMix64.streamOf("pretraining/batches");

  /** One batch: pixels [N, 3, R, R] in row-major order and token rows [N, context]. */
  record Batch(int step, float[] pixels, long[][] tokens) {}

  private final CaptionedImages corpus;
  private final ClipPreprocessor preprocessor;
  private final ClipTokenizer tokenizer;
  private final int contextLength;
  private final int batchSize;
  private final long offset;

  PretrainBatches(CaptionedImages corpus, ClipPreprocessor preprocessor, ClipTokenizer tokenizer, int contextLength,
      int batchSize, long seed) {
    this.corpus = corpus;
    this.preprocessor = preprocessor;
    this.tokenizer = tokenizer;
    this.contextLength = contextLength;
    this.batchSize = batchSize;
    // 40 bits: room for 2^23 steps of 128 examples after any offset, far from overflow.
    this.offset = SplitMix64.mix(seed ^ STREAM) >>> 24;
  }

  /** Returns the corpus index of example {@code j} of step {@code step}. */
  long exampleIndex(int step, int j) {
    return offset + (long) step * batchSize + j;
  }

  /** Renders, preprocesses and tokenizes the batch of step {@code step}. */
  Batch batch(int step) {
    int size = preprocessor.tensorSize();
    float[] pixels = new float[batchSize * size];
    List<String> captions = new ArrayList<>(batchSize);
    for (int j = 0; j < batchSize; j++) {
      long index = exampleIndex(step, j);
      preprocessor.preprocessInto(corpus.image(index), pixels, j * size);
      captions.add(corpus.caption(index));
    }
    return new Batch(step, pixels, tokenizer.tokenize(captions, contextLength));
  }
}
