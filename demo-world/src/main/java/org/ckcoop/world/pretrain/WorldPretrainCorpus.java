package org.ckcoop.world.pretrain;

import org.ckcoop.world.CaptionedImages;
import org.ckcoop.world.dataset.WorldCorpus;

/** The built-in corpus {@code world}: the standard world's (seed 1) pretraining corpus at 32 px. */
public final class WorldPretrainCorpus implements PretrainCorpus {
  /** The world seed of the standard world, the one the downstream datasets come from. */
  public static final long WORLD_SEED = 1;
  /** The image side in pixels. */
  public static final int IMAGE_SIZE = 32;

  @Override
  public String name() {
    return "world";
  }

  @Override
  public String description() {
    return "the built-in world's captioned images (" + WorldCorpus.GENERATOR_VERSION + ", world seed "
        + WORLD_SEED + ", " + IMAGE_SIZE + " px; styles photo 40%, sketch 20%, pixelated 20%, night 20%)";
  }

  @Override
  public CaptionedImages open() {
    return new WorldCorpus(WORLD_SEED, IMAGE_SIZE);
  }
}
