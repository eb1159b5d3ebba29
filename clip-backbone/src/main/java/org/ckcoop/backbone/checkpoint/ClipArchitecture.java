package org.ckcoop.backbone.checkpoint;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Every size of a CLIP model: the image tower (a vision transformer or OpenAI's modified ResNet,
 * {@link ImageTowerShape}) and its resolution, the text tower (context length, vocabulary size, tower
 * shape) and the joint embedding width. Nothing here is assumed: each value comes from the
 * checkpoint's config or tensor shapes.
 *
 * <p>{@link #expectedShapes()} lists every weight under its canonical (OpenAI) name with the shape
 * it must have; the layouts use it to validate what they read. For a ResNet tower the weights include
 * the batch norms' running statistics ({@code running_mean}, {@code running_var}).
 *
 * @param embedDim the joint embedding width
 * @param imageResolution the side of the (square) input images in pixels
 * @param imageTower the image tower's kind and sizes
 * @param contextLength the text tower's context length
 * @param vocabSize the token-embedding table's rows
 * @param text the text transformer's shape
 */
public record ClipArchitecture(
    int embedDim,
    int imageResolution,
    ImageTowerShape imageTower,
    int contextLength,
    int vocabSize,
    TowerShape text) {

  /** Validates the sizes: positive, and the resolution fitting the image tower. */
  public ClipArchitecture {
    if (embedDim <= 0 || imageResolution <= 0 || contextLength <= 1 || vocabSize <= 0) {
      throw new IllegalArgumentException(
          "sizes must be positive: embedDim=" + embedDim + " imageResolution=" + imageResolution
              + " contextLength=" + contextLength + " vocabSize=" + vocabSize);
    }
    if (imageTower == null || text == null) {
      throw new IllegalArgumentException("both towers' shapes are needed");
    }
    imageTower.checkResolution(imageResolution);
  }

  /** A CLIP with a vision-transformer image tower (patch size and transformer shape). */
  public ClipArchitecture(
      int embedDim, int imageResolution, int patchSize, TowerShape vision, int contextLength, int vocabSize,
      TowerShape text) {
    this(embedDim, imageResolution, new VitShape(patchSize, vision), contextLength, vocabSize, text);
  }

  /** Returns true when the image tower is a vision transformer. */
  public boolean hasVitImageTower() {
    return imageTower instanceof VitShape;
  }

  /**
   * Returns the vision transformer's shape.
   *
   * @throws IllegalStateException when the image tower is not a ViT (see {@link #requireVit(String)}
   *     for a message that names who needs it)
   */
  public TowerShape vision() {
    return vit().transformer();
  }

  /**
   * Returns the ViT's patch size.
   *
   * @throws IllegalStateException when the image tower is not a ViT
   */
  public int patchSize() {
    return vit().patchSize();
  }

  /**
   * Returns the vision transformer's shape for {@code who} (a learner, a setting), or throws an
   * {@link org.ckcoop.common.InputException} saying {@code who} needs a ViT image tower and what this
   * backbone has, e.g. {@code learner.maple: needs a ViT image tower; this backbone's is ResNet (RN50)}.
   */
  public TowerShape requireVit(String who) {
    if (imageTower instanceof VitShape v) {
      return v.transformer();
    }
    throw new org.ckcoop.common.InputException(who, "needs a ViT image tower; this backbone's is " + imageTower.label());
  }

  private VitShape vit() {
    if (imageTower instanceof VitShape v) {
      return v;
    }
    throw new IllegalStateException("the image tower is " + imageTower.label() + ", not a vision transformer");
  }

  /** Returns the number of patches per side (ViT), or the attention pool's grid side (ResNet). */
  public int gridSize() {
    return imageTower instanceof VitShape v ? imageResolution / v.patchSize()
        : ((ResNetShape) imageTower).outputGrid(imageResolution);
  }

  /**
   * Returns the number of image tokens: the patches plus the class token (ViT), or the grid cells
   * plus the mean token the attention pool prepends (ResNet).
   */
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

  /** CLIP RN50 as released by OpenAI: stages [3, 4, 6, 3], width 64, 224 px, embedding 1024. */
  public static ClipArchitecture rn50() {
    return resNet(1024, 224, ResNetShape.openAi(64, 3, 4, 6, 3), 512);
  }

  /** CLIP RN101 as released by OpenAI: stages [3, 4, 23, 3], width 64, 224 px, embedding 512. */
  public static ClipArchitecture rn101() {
    return resNet(512, 224, ResNetShape.openAi(64, 3, 4, 23, 3), 512);
  }

  /** CLIP RN50x4 as released by OpenAI: stages [4, 6, 10, 6], width 80, 288 px, embedding 640. */
  public static ClipArchitecture rn50x4() {
    return resNet(640, 288, ResNetShape.openAi(80, 4, 6, 10, 6), 640);
  }

  /** CLIP RN50x16 as released by OpenAI: stages [6, 8, 18, 8], width 96, 384 px, embedding 768. */
  public static ClipArchitecture rn50x16() {
    return resNet(768, 384, ResNetShape.openAi(96, 6, 8, 18, 8), 768);
  }

  /** CLIP RN50x64 as released by OpenAI: stages [3, 15, 36, 10], width 128, 448 px, embedding 1024. */
  public static ClipArchitecture rn50x64() {
    return resNet(1024, 448, ResNetShape.openAi(128, 3, 15, 36, 10), 1024);
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
   * A tiny ResNet CLIP for tests: 64 px images, stem width 8, one block per stage, an attention pool
   * of width 256 with OpenAI's 4 heads over a 2x2 grid, and {@link #tiny}'s text tower.
   */
  public static ClipArchitecture tinyResNet(int vocabSize) {
    return new ClipArchitecture(
        64, 64, ResNetShape.openAi(8, 1, 1, 1, 1), 16, vocabSize, tower(64, 2, Activation.QUICK_GELU));
  }

  /** The names {@link #preset} knows, in the order help texts list them. */
  public static final java.util.List<String> PRESETS = java.util.List.of(
      "tiny", "tiny-rn", "vit-b-32", "vit-b-16", "vit-l-14", "rn50", "rn101", "rn50x4", "rn50x16", "rn50x64");

  /**
   * Returns a named preset (one of {@link #PRESETS}): the tiny ones with the given vocabulary size,
   * the others with CLIP's 49,408.
   */
  public static ClipArchitecture preset(String name, int tinyVocabSize) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "vit-b-32" -> vitB32();
      case "vit-b-16" -> vitB16();
      case "vit-l-14" -> vitL14();
      case "rn50" -> rn50();
      case "rn101" -> rn101();
      case "rn50x4" -> rn50x4();
      case "rn50x16" -> rn50x16();
      case "rn50x64" -> rn50x64();
      case "tiny" -> tiny(tinyVocabSize);
      case "tiny-rn" -> tinyResNet(tinyVocabSize);
      default -> throw new org.ckcoop.common.InputException(
          "unknown architecture preset '" + name + "' (known: " + String.join(", ", PRESETS) + ")");
    };
  }

  private static ClipArchitecture openAi(int embed, int resolution, int patch, int visionWidth, int layers) {
    return new ClipArchitecture(
        embed, resolution, patch, tower(visionWidth, layers, Activation.QUICK_GELU), 77, 49408,
        tower(512, 12, Activation.QUICK_GELU));
  }

  private static ClipArchitecture resNet(int embed, int resolution, ResNetShape image, int textWidth) {
    return new ClipArchitecture(embed, resolution, image, 77, 49408, tower(textWidth, 12, Activation.QUICK_GELU));
  }

  private static TowerShape tower(int width, int layers, Activation activation) {
    return new TowerShape(width, layers, Math.max(1, width / 64), 4 * width, activation, 1e-5);
  }

  /** Returns every weight's canonical (OpenAI) name with its shape, in a stable order. */
  public Map<String, long[]> expectedShapes() {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    if (imageTower instanceof VitShape v) {
      putVit(shapes, v);
    } else {
      putResNet(shapes, (ResNetShape) imageTower);
    }
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

  private void putVit(Map<String, long[]> shapes, VitShape v) {
    TowerShape vision = v.transformer();
    long vw = vision.width();
    int patchSize = v.patchSize();
    shapes.put("visual.conv1.weight", new long[] {vw, 3, patchSize, patchSize});
    shapes.put("visual.class_embedding", new long[] {vw});
    shapes.put("visual.positional_embedding", new long[] {imageTokens(), vw});
    shapes.put("visual.ln_pre.weight", new long[] {vw});
    shapes.put("visual.ln_pre.bias", new long[] {vw});
    putBlocks(shapes, "visual.transformer.resblocks.", vision);
    shapes.put("visual.ln_post.weight", new long[] {vw});
    shapes.put("visual.ln_post.bias", new long[] {vw});
    shapes.put("visual.proj", new long[] {vw, embedDim});
  }

  /** OpenAI's ModifiedResNet state dict, in its order (stem, layer1..4, attnpool). */
  private void putResNet(Map<String, long[]> shapes, ResNetShape r) {
    long w = r.width();
    putConv(shapes, "visual.conv1", "visual.bn1", w / 2, 3, 3);
    putConv(shapes, "visual.conv2", "visual.bn2", w / 2, w / 2, 3);
    putConv(shapes, "visual.conv3", "visual.bn3", w, w / 2, 3);
    long inplanes = w;
    for (int stage = 0; stage < 4; stage++) {
      long planes = r.planes(stage);
      long out = planes * ResNetShape.EXPANSION;
      for (int b = 0; b < r.layers().get(stage); b++) {
        String p = "visual.layer" + (stage + 1) + "." + b + ".";
        putConv(shapes, p + "conv1", p + "bn1", planes, inplanes, 1);
        putConv(shapes, p + "conv2", p + "bn2", planes, planes, 3);
        putConv(shapes, p + "conv3", p + "bn3", out, planes, 1);
        if (b == 0) { // stride 2, or inplanes != planes * 4 (stage 1): the first block always downsamples
          putConv(shapes, p + "downsample.0", p + "downsample.1", out, inplanes, 1);
        }
        inplanes = out;
      }
    }
    long pw = r.poolWidth();
    shapes.put("visual.attnpool.positional_embedding", new long[] {imageTokens(), pw});
    for (String proj : new String[] {"k_proj", "q_proj", "v_proj"}) {
      shapes.put("visual.attnpool." + proj + ".weight", new long[] {pw, pw});
      shapes.put("visual.attnpool." + proj + ".bias", new long[] {pw});
    }
    shapes.put("visual.attnpool.c_proj.weight", new long[] {embedDim, pw});
    shapes.put("visual.attnpool.c_proj.bias", new long[] {embedDim});
  }

  private static void putConv(Map<String, long[]> shapes, String conv, String bn, long out, long in, long k) {
    shapes.put(conv + ".weight", new long[] {out, in, k, k});
    for (String part : new String[] {"weight", "bias", "running_mean", "running_var"}) {
      shapes.put(bn + "." + part, new long[] {out});
    }
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
   * (512w x 12L, 8 heads, ctx 77, vocab 49408) -> 512} or {@code ResNet 224px RN50 ([3, 4, 6, 3],
   * width 64, 32 heads) + text (...) -> 1024}.
   */
  public String describe() {
    String image;
    if (imageTower instanceof VitShape v) {
      image = String.format(Locale.ROOT, "ViT %dpx/%d (%dw x %dL, %d heads, %s)", imageResolution,
          v.patchSize(), v.transformer().width(), v.transformer().layers(), v.transformer().heads(),
          v.transformer().activation().configName());
    } else {
      ResNetShape r = (ResNetShape) imageTower;
      image = String.format(Locale.ROOT, "ResNet %dpx %s(%s, width %d, %d heads)", imageResolution,
          r.openAiName() == null ? "" : r.openAiName() + " ", r.layers(), r.width(), r.heads());
    }
    return String.format(Locale.ROOT, "%s + text (%dw x %dL, %d heads, ctx %d, vocab %d) -> %d",
        image, text.width(), text.layers(), text.heads(), contextLength, vocabSize, embedDim);
  }

  /**
   * Returns the record's text. For a ViT it is exactly what the record printed before the image tower
   * had kinds ({@code ClipArchitecture[embedDim=.., imageResolution=.., patchSize=.., vision=..,
   * ...]}): content hashes ({@link ClipCheckpoint#contentHash()}) and backbone identities include it,
   * and stay what they were.
   */
  @Override
  public String toString() {
    String image = imageTower instanceof VitShape v
        ? "patchSize=" + v.patchSize() + ", vision=" + v.transformer()
        : "imageTower=" + imageTower;
    return "ClipArchitecture[embedDim=" + embedDim + ", imageResolution=" + imageResolution + ", " + image
        + ", contextLength=" + contextLength + ", vocabSize=" + vocabSize + ", text=" + text + "]";
  }

  /**
   * Returns the number of weights (parameters) of the model; for a ResNet tower the batch norms'
   * running statistics count too (they are stored with the weights).
   */
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
