package org.ckcoop.world;

import org.ckcoop.backbone.image.RgbImage;

/**
 * An indexed, deterministic corpus of (image, caption) pairs for contrastive pretraining: example
 * {@code i} is the same image and caption on every machine and in every run. The index space is
 * unbounded, so a pretraining run reads examples {@code step * batch ... (step + 1) * batch - 1} and
 * never needs epochs or shuffling to be reproducible.
 */
public interface CaptionedImages {

  /** Returns the side of the square images in pixels. */
  int imageSize();

  /** Returns the image of example {@code index} (8-bit RGB, exactly what a PNG of it would hold). */
  RgbImage image(long index);

  /** Returns the caption of example {@code index}. */
  String caption(long index);

  /**
   * Returns captions representative of the corpus (every word and phrasing that captions can use),
   * from which the mini-CLIP's BPE vocabulary is built.
   */
  Iterable<String> vocabularyCorpus();
}
