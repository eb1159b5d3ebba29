package org.ckcoop.baselines.deep;

import java.util.Collections;
import java.util.SplittableRandom;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.InputException;
import org.ckcoop.core.prompt.ContextPrompts;

/**
 * The layer-0 text context of MaPLe, IVLP and PromptSRC ({@code maple.py:84-105},
 * {@code independentVL.py:82-100}): with init words and {@code n_ctx <= 4}, the context is the
 * embeddings of the words' first {@code n_ctx} tokens and the placeholder is the <em>whole</em> word
 * string (so with {@code n_ctx = 2} and "a photo of a", "of a" stay fixed tokens after the context);
 * otherwise {@code n_ctx} vectors from N(0, 0.02^2) and the placeholder {@code "X X ... X"}.
 *
 * @param placeholder the prompt prefix whose first {@code n_ctx} tokens are the context
 * @param values the initial context [n_ctx, width] row-major
 */
public record LayerZeroContext(String placeholder, float[] values) {

  /**
   * Resolves the context.
   *
   * @param keyPrefix the learner's key prefix for messages, e.g. {@code learner.maple}
   * @param random the source of a random initialisation
   * @throws InputException naming the key when the words have fewer tokens than {@code nCtx}
   */
  public static LayerZeroContext resolve(
      ClipBackbone backbone, String keyPrefix, int nCtx, String ctxInit, SplittableRandom random) {
    int width = backbone.architecture().text().width();
    String words = ctxInit.replace('_', ' ').trim();
    if (!words.isEmpty() && nCtx <= 4) {
      float[] embedded = ContextPrompts.wordEmbeddings(backbone, words);
      if (embedded.length / width < nCtx) {
        throw new InputException(keyPrefix + ".n_ctx", "is " + nCtx + " but " + keyPrefix + ".ctx_init '" + ctxInit
            + "' has only " + embedded.length / width + " tokens");
      }
      float[] values = new float[nCtx * width];
      System.arraycopy(embedded, 0, values, 0, values.length);
      return new LayerZeroContext(words, values);
    }
    return new LayerZeroContext(String.join(" ", Collections.nCopies(nCtx, "X")), gaussian(random, nCtx * width, 0.02));
  }

  /** Returns {@code n} draws from N(0, std^2). */
  public static float[] gaussian(SplittableRandom random, int n, double std) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (std * random.nextGaussian());
    }
    return out;
  }
}
