package org.ckcoop.baselines.maple;

import org.ckcoop.core.config.Setting;

/**
 * MaPLe's settings ({@code learner.maple.*}); defaults are its base-to-new config
 * ({@code configs/trainers/MaPLe/vit_b16_c2_ep5_batch4_2ctx.yaml}: {@code N_CTX 2},
 * {@code CTX_INIT "a photo of a"}, {@code PROMPT_DEPTH 9}).
 *
 * @param nCtx prompt tokens per layer (text and vision)
 * @param ctxInit words whose first n_ctx tokens start the layer-0 context (n_ctx at most 4); empty: random
 * @param promptDepth J: the layers with prompts (the input and blocks 1..J-1), at most the towers' depth
 */
public record MapleSettings(
    @Setting(description = "prompt tokens per layer (text and vision)", defaultValue = "2", min = 1) int nCtx,
    @Setting(description = "words whose first n_ctx tokens start the context (n_ctx <= 4); empty: random",
        defaultValue = "a photo of a") String ctxInit,
    @Setting(description = "layers with prompts J: the input and blocks 1..J-1", defaultValue = "9", min = 1)
        int promptDepth) {

  /**
   * Returns MaPLe's number of learnable parameters: the layer-0 context, its coupling layer, and per
   * deeper layer a text prompt and a coupling layer.
   */
  public static long parameterCount(int nCtx, int depth, int textWidth, int visionWidth) {
    long coupling = (long) textWidth * visionWidth + visionWidth;
    long context = (long) nCtx * textWidth;
    return context + coupling + (depth - 1) * (context + coupling);
  }
}
