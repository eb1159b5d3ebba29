package org.ckcoop.backbone.checkpoint;

import java.util.List;
import java.util.Locale;

/**
 * OpenAI's modified ResNet image tower ({@code ModifiedResNet} in openai/CLIP {@code clip/model.py}):
 * a three-convolution stem ({@code width / 2}, {@code width / 2}, {@code width} channels, the first
 * with stride 2, then a 2x2 average pool), four stages of bottleneck blocks ({@code layers} blocks
 * each, {@code width * 2^s} planes, expansion 4, strides 1, 2, 2, 2 done by average pooling), and an
 * attention pool over the final {@code resolution / 32} grid with {@code heads} heads and embedding
 * width {@code width * 32}, whose output projection gives the joint embedding. Batch norm runs in eval
 * mode with the stored running statistics and epsilon {@link #BATCH_NORM_EPS}.
 *
 * @param layers the number of bottleneck blocks of the four stages
 * @param width the stem width (the first stage's planes)
 * @param heads the attention pool's heads (OpenAI: {@code width * 32 / 64})
 */
public record ResNetShape(List<Integer> layers, int width, int heads) implements ImageTowerShape {
  /** The batch-norm epsilon of every released CLIP ResNet ({@code nn.BatchNorm2d}'s default). */
  public static final double BATCH_NORM_EPS = 1e-5;
  /** The bottleneck expansion: a block's output has 4 times its planes. */
  public static final int EXPANSION = 4;
  /** The tower's total downsampling: the attention pool sees a {@code resolution / 32} grid. */
  public static final int DOWNSAMPLING = 32;

  /** Validates the sizes: four positive stage depths, an even width, heads dividing the pool width. */
  public ResNetShape {
    layers = List.copyOf(layers);
    if (layers.size() != 4 || layers.stream().anyMatch(n -> n == null || n <= 0)) {
      throw new IllegalArgumentException("a CLIP ResNet has four stages with at least one block each, got " + layers);
    }
    if (width <= 0 || width % 2 != 0) {
      throw new IllegalArgumentException("ResNet width must be positive and even (the stem has width / 2 channels), got "
          + width);
    }
    if (heads <= 0 || (width * 32) % heads != 0) {
      throw new IllegalArgumentException(
          "the attention pool's width " + width * 32 + " is not divisible by " + heads + " heads");
    }
  }

  /** Returns OpenAI's number of attention-pool heads for a stem width: {@code width * 32 / 64}. */
  public static int openAiHeads(int width) {
    return width * 32 / 64;
  }

  /** Returns a shape with OpenAI's head rule. */
  public static ResNetShape openAi(int width, int... layers) {
    return new ResNetShape(java.util.Arrays.stream(layers).boxed().toList(), width, openAiHeads(width));
  }

  /** Returns the attention pool's width, {@code width * 32} (the last stage's channels). */
  public int poolWidth() {
    return width * 32;
  }

  /** Returns the planes of stage {@code stage} (0..3): {@code width * 2^stage}. */
  public int planes(int stage) {
    return width << stage;
  }

  /** Returns the width of one attention-pool head. */
  public int headWidth() {
    return poolWidth() / heads;
  }

  @Override
  public String kind() {
    return "ResNet";
  }

  /**
   * Returns OpenAI's model name when the stages and width are one of the released ResNets
   * ({@code RN50}, {@code RN101}, {@code RN50x4}, {@code RN50x16}, {@code RN50x64}), else null.
   */
  public String openAiName() {
    if (width == 64 && layers.equals(List.of(3, 4, 6, 3))) {
      return "RN50";
    }
    if (width == 64 && layers.equals(List.of(3, 4, 23, 3))) {
      return "RN101";
    }
    if (width == 80 && layers.equals(List.of(4, 6, 10, 6))) {
      return "RN50x4";
    }
    if (width == 96 && layers.equals(List.of(6, 8, 18, 8))) {
      return "RN50x16";
    }
    if (width == 128 && layers.equals(List.of(3, 15, 36, 10))) {
      return "RN50x64";
    }
    return null;
  }

  @Override
  public String label() {
    String name = openAiName();
    return name != null ? "ResNet (" + name + ")"
        : String.format(Locale.ROOT, "ResNet (%s, width %d)", layers, width);
  }

  @Override
  public void checkResolution(int imageResolution) {
    if (imageResolution % DOWNSAMPLING != 0) {
      throw new IllegalArgumentException(
          "image resolution " + imageResolution + " is not a multiple of 32 (a CLIP ResNet downsamples 32 times)");
    }
  }

  /** Returns the side of the grid the attention pool sees. */
  public int outputGrid(int imageResolution) {
    return imageResolution / DOWNSAMPLING;
  }
}
