package org.ckcoop.backbone.checkpoint;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Every size of a CLIP ViT model: the image tower (resolution, patch size, tower shape), the text
 * tower (context length, vocabulary size, tower shape) and the joint embedding width. Nothing here
 * is assumed: each value comes from the checkpoint's config or tensor shapes.
 *
 * <p>{@link #expectedShapes()} lists every weight under its canonical (OpenAI) name with the shape
 * it must have; the layouts use it to validate what they read.
 */
public record ClipArchitecture(
    int embedDim,
    int imageResolution,
    int patchSize,
    TowerShape vision,
    int contextLength,
    int vocabSize,
    TowerShape text) {

  /** Validates the sizes: positive, and the resolution a multiple of the patch size. */
  public ClipArchitecture {
    if (embedDim <= 0 || imageResolution <= 0 || patchSize <= 0 || contextLength <= 1 || vocabSize <= 0) {
      throw new IllegalArgumentException(
          "sizes must be positive: embedDim=" + embedDim + " imageResolution=" + imageResolution
              + " patchSize=" + patchSize + " contextLength=" + contextLength + " vocabSize=" + vocabSize);
    }
    if (imageResolution % patchSize != 0) {
      throw new IllegalArgumentException(
          "image resolution " + imageResolution + " is not a multiple of the patch size " + patchSize);
    }
  }

  /** Returns the number of patches per side. */
  public int gridSize() {
    return imageResolution / patchSize;
  }

  /** Returns the number of image tokens: the patches plus the class token. */
  public int imageTokens() {
    return gridSize() * gridSize() + 1;
  }

  /** CLIP ViT-B/32 as released by OpenAI (224 px, QuickGELU). */
  public static ClipArchitecture vitB32() {
    return openAi(512, 224, 32, 768, 12);
  }

  /** CLIP ViT-B/16 as released by OpenAI (224 px, QuickGELU), the backbone of the field's tables. */
  public static ClipArchitecture vitB16() {
    return openAi(512, 224, 16, 768, 12);
  }

  /** CLIP ViT-L/14 as released by OpenAI (224 px, QuickGELU). */
  public static ClipArchitecture vitL14() {
    return new ClipArchitecture(
        768, 224, 14, tower(1024, 24, Activation.QUICK_GELU), 77, 49408, tower(768, 12, Activation.QUICK_GELU));
  }

  /**
   * A tiny model for tests and demos: 32 px images in 8 px patches, towers of width 64 with two
   * layers, context 16.
   */
  public static ClipArchitecture tiny(int vocabSize) {
    return new ClipArchitecture(
        64, 32, 8, tower(64, 2, Activation.QUICK_GELU), 16, vocabSize, tower(64, 2, Activation.QUICK_GELU));
  }

  /**
   * Returns a named preset: {@code vit-b-32}, {@code vit-b-16}, {@code vit-l-14} or {@code tiny}
   * (the tiny one with the given vocabulary size; the others have CLIP's 49,408).
   */
  public static ClipArchitecture preset(String name, int tinyVocabSize) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "vit-b-32" -> vitB32();
      case "vit-b-16" -> vitB16();
      case "vit-l-14" -> vitL14();
      case "tiny" -> tiny(tinyVocabSize);
      default -> throw new org.ckcoop.common.InputException(
          "unknown architecture preset '" + name + "' (known: vit-b-32, vit-b-16, vit-l-14, tiny)");
    };
  }

  private static ClipArchitecture openAi(int embed, int resolution, int patch, int visionWidth, int layers) {
    return new ClipArchitecture(
        embed, resolution, patch, tower(visionWidth, layers, Activation.QUICK_GELU), 77, 49408,
        tower(512, 12, Activation.QUICK_GELU));
  }

  private static TowerShape tower(int width, int layers, Activation activation) {
    return new TowerShape(width, layers, Math.max(1, width / 64), 4 * width, activation, 1e-5);
  }

  /** Returns every weight's canonical (OpenAI) name with its shape, in a stable order. */
  public Map<String, long[]> expectedShapes() {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    long vw = vision.width();
    shapes.put("visual.conv1.weight", new long[] {vw, 3, patchSize, patchSize});
    shapes.put("visual.class_embedding", new long[] {vw});
    shapes.put("visual.positional_embedding", new long[] {imageTokens(), vw});
    shapes.put("visual.ln_pre.weight", new long[] {vw});
    shapes.put("visual.ln_pre.bias", new long[] {vw});
    putBlocks(shapes, "visual.transformer.resblocks.", vision);
    shapes.put("visual.ln_post.weight", new long[] {vw});
    shapes.put("visual.ln_post.bias", new long[] {vw});
    shapes.put("visual.proj", new long[] {vw, embedDim});
    long tw = text.width();
    shapes.put("token_embedding.weight", new long[] {vocabSize, tw});
    shapes.put("positional_embedding", new long[] {contextLength, tw});
    putBlocks(shapes, "transformer.resblocks.", text);
    shapes.put("ln_final.weight", new long[] {tw});
    shapes.put("ln_final.bias", new long[] {tw});
    shapes.put("text_projection", new long[] {tw, embedDim});
    shapes.put("logit_scale", new long[] {});
    return shapes;
  }

  private static void putBlocks(Map<String, long[]> shapes, String prefix, TowerShape tower) {
    long w = tower.width();
    long m = tower.mlpWidth();
    for (int i = 0; i < tower.layers(); i++) {
      String p = prefix + i + ".";
      shapes.put(p + "attn.in_proj_weight", new long[] {3 * w, w});
      shapes.put(p + "attn.in_proj_bias", new long[] {3 * w});
      shapes.put(p + "attn.out_proj.weight", new long[] {w, w});
      shapes.put(p + "attn.out_proj.bias", new long[] {w});
      shapes.put(p + "ln_1.weight", new long[] {w});
      shapes.put(p + "ln_1.bias", new long[] {w});
      shapes.put(p + "mlp.c_fc.weight", new long[] {m, w});
      shapes.put(p + "mlp.c_fc.bias", new long[] {m});
      shapes.put(p + "mlp.c_proj.weight", new long[] {w, m});
      shapes.put(p + "mlp.c_proj.bias", new long[] {w});
      shapes.put(p + "ln_2.weight", new long[] {w});
      shapes.put(p + "ln_2.bias", new long[] {w});
    }
  }

  /**
   * Returns a one-line summary, e.g. {@code ViT 224px/16 (768w x 12L, 12 heads, quick_gelu) + text
   * (512w x 12L, 8 heads, ctx 77, vocab 49408) -> 512}.
   */
  public String describe() {
    return String.format(java.util.Locale.ROOT,
        "ViT %dpx/%d (%dw x %dL, %d heads, %s) + text (%dw x %dL, %d heads, ctx %d, vocab %d) -> %d",
        imageResolution, patchSize, vision.width(), vision.layers(), vision.heads(), vision.activation().configName(),
        text.width(), text.layers(), text.heads(), contextLength, vocabSize, embedDim);
  }

  /** Returns the number of weights (parameters) of the model. */
  public long parameterCount() {
    long n = 0;
    for (long[] shape : expectedShapes().values()) {
      long c = 1;
      for (long d : shape) {
        c *= d;
      }
      n += c;
    }
    return n;
  }
}
