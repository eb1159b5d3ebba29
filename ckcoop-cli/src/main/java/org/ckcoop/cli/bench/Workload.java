package org.ckcoop.cli.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ckcoop.backbone.checkpoint.ClipArchitecture;

/**
 * What {@code bench compare} measures on both sides, with its unit of work, the anchor's mode, the
 * learner and settings on ckcoop's side, the target ratio (anchor time / ckcoop time) and the FLOP
 * model of one unit. Text-side learners step at batch 32 from cached features; CoCoOp and the
 * deep-prompt learners at batch 4 (their recipes' order of magnitude), MaPLe and PromptSRC with the
 * image tower in the step.
 */
public enum Workload {
  /** CoOp, the base-to-new recipe's context: 4 vectors from "a photo of a". */
  COOP("coop", "CoOp step", "coop-step", "coop", List.of("learner.coop.n_ctx=4", "learner.coop.ctx_init=a photo of a"),
      "a photo of a", 4, 32, 2.0),
  /** KgCoOp, its defaults (4 vectors, w = 8). */
  KGCOOP("kgcoop", "KgCoOp step", "kgcoop-step", "kgcoop", List.of(), "a photo of a", 4, 32, 2.0),
  /** CK-CoOp, its defaults (k = 256, 3 balanced Kronecker factors). */
  CKCOOP("ckcoop", "CK-CoOp step", "ckcoop-step", "ckcoop", List.of(), "a photo of a", 4, 32, 2.0),
  /** ProGrad, its defaults (16 vectors, 12 of them zero, then "a photo of a"; two backward passes). */
  PROGRAD("prograd", "ProGrad step", "prograd-step", "prograd", List.of(), "X X X X X X X X X X X X a photo of a", 16, 32,
      2.0),
  /** CoCoOp, its defaults, batch 4: B x C prompts through the text tower. */
  COCOOP("cocoop", "CoCoOp step", "cocoop-step", "cocoop", List.of(), "a photo of a", 4, 4, 2.0),
  /** MaPLe, its defaults (2 tokens, depth 9), batch 4, both towers in the step. */
  MAPLE("maple", "MaPLe step", "maple-step", "maple", List.of(), "a photo of a", 2, 4, 2.0),
  /** PromptSRC, its defaults (4 + 4 tokens, depth 9/9), batch 4, both towers and the frozen image tower. */
  PROMPTSRC("promptsrc", "PromptSRC step", "promptsrc-step", "promptsrc", List.of(), "a photo of a", 4, 4, 2.0),
  /** Text encoding: 256 captions (tokenisation included on ckcoop's side) through the text tower, batch 32. */
  TEXT("encode-text", "text encoding (256 texts)", "encode-text", null, List.of(), null, 0, 32, 2.0),
  /** The image tower alone on one batch of 32 normalised images. */
  IMAGE_TOWER("image-tower", "image tower (32 images)", "encode-images", null, List.of(), null, 0, 32, 1.0),
  /**
   * The whole image pipeline on 32 PNG files (decoding, bicubic resize, crop, normalisation, tower),
   * against the anchor's tower alone.
   */
  IMAGE_PIPELINE("image-pipeline", "image pipeline (32 PNGs) vs anchor tower", "encode-images", null, List.of(), null, 0, 32,
      0.8);

  /** Vision prompt tokens of MaPLe (its n_ctx) and PromptSRC (n_ctx_vision), and their depth J. */
  static final int MAPLE_VISION_TOKENS = 2;
  static final int PROMPTSRC_VISION_TOKENS = 4;
  static final int DEPTH = 9;

  private final String key;
  private final String label;
  private final String anchorMode;
  private final String learner;
  private final List<String> overrides;
  private final String placeholder;
  private final int contextVectors;
  private final int batch;
  private final double target;

  Workload(String key, String label, String anchorMode, String learner, List<String> overrides, String placeholder,
      int contextVectors, int batch, double target) {
    this.key = key;
    this.label = label;
    this.anchorMode = anchorMode;
    this.learner = learner;
    this.overrides = overrides;
    this.placeholder = placeholder;
    this.contextVectors = contextVectors;
    this.batch = batch;
    this.target = target;
  }

  /** Returns the name on the command line ({@code --workloads coop,maple}). */
  public String key() {
    return key;
  }

  /** Returns the table's label. */
  public String label() {
    return label;
  }

  /** Returns the anchor's mode. */
  public String anchorMode() {
    return anchorMode;
  }

  /** Returns the learner timed on ckcoop's side, or null for an encoding workload. */
  public String learner() {
    return learner;
  }

  /** Returns the config overrides of ckcoop's side. */
  public List<String> overrides() {
    return overrides;
  }

  /** Returns the text whose tokens the learner's context replaces (for the prompt length), or null. */
  public String placeholder() {
    return placeholder;
  }

  /** Returns the learner's layer-0 context vectors (what the anchor learns in their place). */
  public int contextVectors() {
    return contextVectors;
  }

  /** Returns the batch size. */
  public int batch() {
    return batch;
  }

  /** Returns the target ratio (anchor time / ckcoop time, same run). */
  public double target() {
    return target;
  }

  /** Returns whether this is a training step. */
  public boolean isStep() {
    return learner != null;
  }

  /** Returns the workload named {@code key}. */
  public static Workload of(String key) {
    for (Workload w : values()) {
      if (w.key.equals(key.trim().toLowerCase(Locale.ROOT))) {
        return w;
      }
    }
    List<String> known = new ArrayList<>();
    for (Workload w : values()) {
      known.add(w.key);
    }
    throw new IllegalArgumentException("unknown workload '" + key + "' (known: " + String.join(", ", known) + ")");
  }

  /**
   * Returns the matrix-product FLOPs of one unit of work (a step; a pass over {@code texts} texts; a
   * batch of images) with {@code classes} classes and prompts of {@code tokens} tokens (for the text
   * tower: cut after the last EOT).
   */
  public double flops(ClipArchitecture a, int classes, int tokens, int texts) {
    long c = classes;
    long b = batch;
    return switch (this) {
      case COOP, KGCOOP, CKCOOP -> Flops.textForward(a, c, tokens) + Flops.textBackward(a, c, tokens);
      case PROGRAD -> Flops.textForward(a, c, tokens) + 2 * Flops.textBackward(a, c, tokens);
      case COCOOP -> Flops.textForward(a, b * c, tokens) + Flops.textBackward(a, b * c, tokens);
      case MAPLE -> Flops.textForward(a, c, tokens) + Flops.textBackward(a, c, tokens)
          + Flops.imageForward(a, b, MAPLE_VISION_TOKENS) + Flops.imageBackward(a, b, MAPLE_VISION_TOKENS);
      case PROMPTSRC -> Flops.textForward(a, c, tokens) + Flops.textBackward(a, c, tokens)
          + Flops.imageForward(a, b, PROMPTSRC_VISION_TOKENS) + Flops.imageBackward(a, b, PROMPTSRC_VISION_TOKENS)
          + Flops.imageForward(a, b, 0);
      case TEXT -> Flops.textForward(a, texts, tokens);
      case IMAGE_TOWER, IMAGE_PIPELINE -> Flops.imageForward(a, b, 0);
    };
  }

  /**
   * Returns the anchor's request for this workload: the same sizes as ckcoop's side ({@code tokens}:
   * the prompt length after the EOT cut; {@code factorShapes}: CK-CoOp's Kronecker factors, e.g.
   * {@code 8x8,8x8,4x8}).
   */
  public Map<String, Object> anchorRequest(String preset, int classes, int steps, int threads, int tokens, int texts,
      int k, String factorShapes) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("mode", anchorMode);
    r.put("preset", preset);
    r.put("classes", classes);
    r.put("batch", batch);
    r.put("steps", steps);
    r.put("threads", threads);
    if (this == TEXT) {
      r.put("tokens", tokens);
      r.put("texts", texts);
    } else if (isStep()) {
      r.put("tokens", tokens);
      r.put("n_ctx", contextVectors);
    }
    if (this == CKCOOP) {
      r.put("k", k);
      r.put("factor_shapes", factorShapes);
    }
    if (this == MAPLE || this == PROMPTSRC) {
      r.put("depth", DEPTH);
    }
    if (this == PROMPTSRC) {
      r.put("n_ctx_vision", PROMPTSRC_VISION_TOKENS);
    }
    return r;
  }
}
