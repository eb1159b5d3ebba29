package org.ckcoop.baselines.ivlp;

import org.ckcoop.core.config.Setting;

/**
 * IVLP's settings ({@code learner.ivlp.*}); defaults are the MaPLe repository's base-to-new config
 * ({@code configs/trainers/IVLP/vit_b16_c2_ep5_batch4_2+2ctx.yaml}: {@code N_CTX_TEXT 2},
 * {@code N_CTX_VISION 2}, {@code CTX_INIT "a photo of a"}, {@code PROMPT_DEPTH_TEXT 12},
 * {@code PROMPT_DEPTH_VISION 12}).
 *
 * @param nCtxText text prompt tokens per layer
 * @param nCtxVision vision prompt tokens per layer
 * @param ctxInit words whose first n_ctx_text tokens start the layer-0 text context (n_ctx_text at most 4)
 * @param promptDepthText text layers with prompts (the input and blocks 1..J-1)
 * @param promptDepthVision vision layers with prompts (0: none)
 */
public record IvlpSettings(
    @Setting(description = "text prompt tokens per layer", defaultValue = "2", min = 1) int nCtxText,
    @Setting(description = "vision prompt tokens per layer", defaultValue = "2", min = 1) int nCtxVision,
    @Setting(description = "words whose first n_ctx_text tokens start the text context; empty: random",
        defaultValue = "a photo of a") String ctxInit,
    @Setting(description = "text layers with prompts: the input and blocks 1..J-1", defaultValue = "12", min = 1)
        int promptDepthText,
    @Setting(description = "vision layers with prompts (0: none)", defaultValue = "12", min = 0)
        int promptDepthVision) {

  /** Returns IVLP's number of learnable parameters. */
  public static long parameterCount(int nText, int nVision, int depthText, int depthVision, int textWidth,
      int visionWidth) {
    return (long) depthText * nText * textWidth + (long) depthVision * nVision * visionWidth;
  }
}
