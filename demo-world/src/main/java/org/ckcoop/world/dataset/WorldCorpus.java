package org.ckcoop.world.dataset;

import java.util.List;
import org.ckcoop.backbone.image.RgbImage;
import org.ckcoop.world.CaptionedImages;
import org.ckcoop.world.render.Scene;
import org.ckcoop.world.render.SceneRenderer;
import org.ckcoop.world.render.SceneRequest;
import org.ckcoop.world.render.SceneSampler;
import org.ckcoop.world.render.SplitMix64;

/**
 * The world's pretraining corpus: example {@code i} is a scene drawn from the full world
 * distribution (every shape, colour, pattern and size; styles photo 40%, sketch 20%, pixelated 20%,
 * night 20%) with its generator seeded from {@code (seed, i)}, rendered at the corpus's image size,
 * and a caption written by {@link CaptionWriter} from a second generator seeded the same way. Any
 * example can be made alone, in any order, on any thread; the corpus holds no state.
 */
public final class WorldCorpus implements CaptionedImages {
  /**
   * The version of everything that decides the world's images and captions (geometry, sampling,
   * styles, templates, dataset recipes). Changed whenever an image or caption would change; a world
   * folder written by another version is regenerated.
   */
  public static final String GENERATOR_VERSION = "ckcoop-world-1";

  private static final long SCENE_STREAM = SplitMix64.streamOf("pretraining/scene");
  private static final long CAPTION_STREAM = SplitMix64.streamOf("pretraining/caption");

  private final long seed;
  private final int imageSize;

  /**
   * Creates the corpus of a world.
   *
   * @param seed the world seed
   * @param imageSize the side of the images in pixels (32 for the demo)
   * @throws IllegalArgumentException if {@code imageSize < 8}
   */
  public WorldCorpus(long seed, int imageSize) {
    if (imageSize < 8) {
      throw new IllegalArgumentException("image size must be at least 8 pixels, got " + imageSize);
    }
    this.seed = seed;
    this.imageSize = imageSize;
  }

  /** Returns the world seed. */
  public long seed() {
    return seed;
  }

  @Override
  public int imageSize() {
    return imageSize;
  }

  /**
   * Returns the scene of example {@code index}.
   *
   * @throws IllegalArgumentException if {@code index < 0}
   */
  public Scene scene(long index) {
    if (index < 0) {
      throw new IllegalArgumentException("example index must be >= 0, got " + index);
    }
    return SceneSampler.sample(SplitMix64.forExample(seed, SCENE_STREAM, index), SceneRequest.any());
  }

  @Override
  public RgbImage image(long index) {
    return SceneRenderer.render(scene(index), imageSize);
  }

  @Override
  public String caption(long index) {
    return CaptionWriter.caption(scene(index), SplitMix64.forExample(seed, CAPTION_STREAM, index));
  }

  @Override
  public List<String> vocabularyCorpus() {
    return CaptionWriter.vocabularyCorpus();
  }

  @Override
  public String toString() {
    return "WorldCorpus[" + GENERATOR_VERSION + ", seed " + seed + ", " + imageSize + " px]";
  }
}
