package org.ckcoop.world.pretrain;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.ckcoop.common.InputException;
import org.ckcoop.backbone.checkpoint.Activation;
import org.ckcoop.backbone.checkpoint.ClipArchitecture;
import org.ckcoop.backbone.checkpoint.TowerShape;

/**
 * The sizes of the mini-CLIPs pretrained on the world: 32 px images in 8 px patches (16 patches and a
 * class token), equal image and text towers with QuickGELU, context 24 (the longest world caption is
 * well below). The vocabulary size comes from the BPE vocabulary learnt from the corpus.
 */
public enum MiniClipShape {
  /** The demo's model: width 128, 4 layers, 4 heads per tower, embedding 128 (~1.74M weights). */
  MINI(128, 8, 128, 4, 4),
  /** A larger option for a longer run: width 160, 6 layers, 5 heads per tower (~3.9M weights). */
  SMALL(160, 8, 160, 6, 5),
  /** A tiny model for unit tests: width 32, one layer, 2 heads, 16 px patches. */
  TEST(32, 16, 32, 1, 2);

  /** The image side of every preset. */
  public static final int IMAGE_SIZE = 32;
  /** The text context length of every preset. */
  public static final int CONTEXT_LENGTH = 24;

  private final int embedDim;
  private final int patchSize;
  private final int width;
  private final int layers;
  private final int heads;

  MiniClipShape(int embedDim, int patchSize, int width, int layers, int heads) {
    this.embedDim = embedDim;
    this.patchSize = patchSize;
    this.width = width;
    this.layers = layers;
    this.heads = heads;
  }

  /** Returns the name users select it by: {@code mini}, {@code small}, {@code test}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Returns the architecture with a token table of {@code vocabSize} rows. */
  public ClipArchitecture architecture(int vocabSize) {
    TowerShape tower = new TowerShape(width, layers, heads, 4 * width, Activation.QUICK_GELU, 1e-5);
    return new ClipArchitecture(embedDim, IMAGE_SIZE, patchSize, tower, CONTEXT_LENGTH, vocabSize, tower);
  }

  /**
   * Parses a preset name.
   *
   * @throws InputException naming the known presets
   */
  public static MiniClipShape parse(String name) {
    for (MiniClipShape s : values()) {
      if (s.label().equals(name.toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new InputException("--preset", "unknown mini-CLIP preset '" + name + "' (known: "
        + Arrays.stream(values()).map(MiniClipShape::label).collect(Collectors.joining(", ")) + ")");
  }
}
