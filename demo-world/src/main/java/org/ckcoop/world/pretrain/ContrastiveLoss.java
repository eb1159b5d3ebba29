package org.ckcoop.world.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.ckcoop.common.engine.EngineArrays;

/**
 * CLIP's symmetric InfoNCE loss over a batch of matching (image, text) pairs: the logits are
 * {@code exp(logit_scale) * cos(image_i, text_j)}, and the loss is the mean of the cross-entropy of
 * each image over the texts and of each text over the images, pair {@code i} being the right answer
 * for row and column {@code i}. Every result belongs to the image features' manager (never to the
 * long-lived {@code logit_scale}'s), so a per-step manager releases it.
 */
public final class ContrastiveLoss {
  private ContrastiveLoss() {}

  /**
   * Returns the logits [N, N] (images as rows, texts as columns).
   *
   * @param image image features [N, D] (not normalised)
   * @param text text features [N, D] (not normalised)
   * @param logitScale the 0-d log-temperature
   */
  public static NDArray logits(NDArray image, NDArray text, NDArray logitScale) {
    NDArray i = image.div(image.norm(new int[] {1}, true));
    NDArray t = text.div(text.norm(new int[] {1}, true));
    // zeros + scale puts the scale on the per-step manager (an op on the scale itself would not).
    NDArray scale = image.getManager().zeros(new Shape(), image.getDataType()).add(logitScale).exp();
    return i.matMul(t.transpose()).mul(scale);
  }

  /** Returns the symmetric loss (0-d) of logits [N, N] whose diagonal holds the matching pairs. */
  public static NDArray loss(NDArray logits) {
    long n = logits.getShape().get(0);
    NDArray eye = logits.getManager().eye(Math.toIntExact(n), Math.toIntExact(n), 0, logits.getDataType());
    NDArray imageToText = logits.logSoftmax(1).mul(eye).sum();
    NDArray textToImage = logits.logSoftmax(0).mul(eye).sum();
    return imageToText.add(textToImage).div(EngineArrays.scalar(logits.getManager(), -2.0f * n));
  }

  /** Returns how many images have their own text as the highest logit of their row. */
  public static int imageToTextHits(NDArray logits) {
    long[] best = logits.argMax(1).toLongArray();
    int hits = 0;
    for (int i = 0; i < best.length; i++) {
      hits += best[i] == i ? 1 : 0;
    }
    return hits;
  }
}
