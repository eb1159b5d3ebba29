package org.ckcoop.baselines.coop;

import java.util.Collections;
import java.util.SplittableRandom;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.InputException;
import org.ckcoop.core.prompt.ContextPrompts;

/**
 * How a CoOp-style context starts, as CoOp's {@code PromptLearner} does it: without words, {@code n_ctx}
 * vectors drawn i.i.d. from N(0, 0.02^2) and the placeholder {@code "X X ... X"}; with words (CoOp's
 * {@code CTX_INIT}, {@code _} read as a space), the words' token embeddings, the words themselves as the
 * placeholder, and as many vectors as the words have tokens.
 *
 * <p>Where CoOp silently overrides {@code n_ctx} with the word count, a different explicit {@code n_ctx}
 * is an error here naming both keys, so the recorded config always states the context length actually
 * used. (CoOp counts words split at spaces and takes that many tokens; for the usual init words such as
 * "a photo of a" words and tokens coincide. Here the token count is used, so every init word is kept.)
 */
public final class ContextInit {
  /** The standard deviation of the random initialisation ({@code nn.init.normal_(std=0.02)}). */
  public static final double INIT_STD = 0.02;

  private final int length;
  private final String words;
  private final String placeholder;

  private ContextInit(int length, String words, String placeholder) {
    this.length = length;
    this.words = words;
    this.placeholder = placeholder;
  }

  /**
   * Resolves a context's length and initialisation.
   *
   * @param backbone the frozen CLIP (its tokenizer counts the words' tokens)
   * @param keyPrefix the settings' key prefix for messages, e.g. {@code learner.coop}
   * @param nCtx the configured number of context vectors
   * @param ctxInit the configured init words, empty for random
   * @throws InputException naming the key when {@code nCtx} differs from the words' token count
   */
  public static ContextInit resolve(ClipBackbone backbone, String keyPrefix, int nCtx, String ctxInit) {
    String text = ctxInit.replace('_', ' ').trim();
    if (text.isEmpty()) {
      if (nCtx < 1) {
        throw new InputException(keyPrefix + ".n_ctx", "is " + nCtx + "; at least one context vector is needed");
      }
      return new ContextInit(nCtx, "", String.join(" ", Collections.nCopies(nCtx, "X")));
    }
    int tokens = backbone.tokenizer().encode(text).length;
    if (tokens == 0) {
      throw new InputException(keyPrefix + ".ctx_init", "'" + ctxInit + "' has no tokens");
    }
    if (tokens != nCtx) {
      throw new InputException(keyPrefix + ".n_ctx", "is " + nCtx + " but " + keyPrefix + ".ctx_init '" + ctxInit
          + "' has " + tokens + " tokens; initialising from words sets the number of context vectors to their token"
          + " count (as CoOp does), so set " + keyPrefix + ".n_ctx = " + tokens
          + ", or leave ctx_init empty for a random context of n_ctx vectors");
    }
    return new ContextInit(tokens, text, text);
  }

  /** Returns the number of context vectors. */
  public int length() {
    return length;
  }

  /** Returns true if the context starts from the embeddings of words. */
  public boolean fromWords() {
    return !words.isEmpty();
  }

  /** Returns the init words ({@code _} replaced), or an empty string for a random initialisation. */
  public String words() {
    return words;
  }

  /**
   * Returns the text whose tokens the context replaces in the placeholder prompt
   * {@code "<placeholder> <class name>."}: the init words, or {@code n_ctx} times {@code X}.
   */
  public String placeholder() {
    return placeholder;
  }

  /**
   * Returns the initial values [copies, length, width] row-major: the words' token embeddings, or
   * N(0, 0.02^2) draws from {@code random} in row-major order.
   *
   * @param copies 1 for a shared context, the class count for a class-specific one (random only)
   */
  public float[] values(ClipBackbone backbone, int copies, SplittableRandom random) {
    int width = backbone.architecture().text().width();
    if (fromWords()) {
      if (copies != 1) {
        throw new IllegalStateException("a context initialised from words is shared by all classes");
      }
      return ContextPrompts.wordEmbeddings(backbone, words);
    }
    float[] values = new float[Math.multiplyExact(copies, Math.multiplyExact(length, width))];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (INIT_STD * random.nextGaussian());
    }
    return values;
  }
}
