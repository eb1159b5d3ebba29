package org.ckcoop.baselines.promptsrc;

import java.util.List;
import org.ckcoop.baselines.ivlp.IvlpSettings;
import org.ckcoop.core.config.Setting;

/**
 * PromptSRC's settings ({@code learner.promptsrc.*}); defaults are its base-to-new config
 * ({@code configs/trainers/PromptSRC/vit_b16_c2_ep20_batch4_4+4ctx.yaml}: {@code N_CTX_TEXT 4},
 * {@code N_CTX_VISION 4}, {@code CTX_INIT "a photo of a"}, {@code PROMPT_DEPTH_TEXT 9},
 * {@code PROMPT_DEPTH_VISION 9}, {@code TEXT_LOSS_WEIGHT 25}, {@code IMAGE_LOSS_WEIGHT 10},
 * {@code GPA_MEAN 15}, {@code GPA_STD 1}).
 *
 * @param nCtxText text prompt tokens per layer
 * @param nCtxVision vision prompt tokens per layer
 * @param ctxInit words whose first n_ctx_text tokens start the layer-0 text context
 * @param promptDepthText text layers with prompts
 * @param promptDepthVision vision layers with prompts
 * @param textLossWeight the weight of the L1 distance of the prompted to the frozen text features
 * @param imageLossWeight the weight of the L1 distance of the prompted to the frozen image features
 * @param gpaMean the mean (in 1-based epochs) of the Gaussian aggregation weights
 * @param gpaStd their standard deviation
 * @param templates the templates whose frozen text features are averaged (the official code uses its
 *     60 {@code IMAGENET_TEMPLATES}; empty: the dataset's template alone)
 */
public record PromptSrcSettings(
    @Setting(description = "text prompt tokens per layer", defaultValue = "4", min = 1) int nCtxText,
    @Setting(description = "vision prompt tokens per layer", defaultValue = "4", min = 1) int nCtxVision,
    @Setting(description = "words whose first n_ctx_text tokens start the text context; empty: random",
        defaultValue = "a photo of a") String ctxInit,
    @Setting(description = "text layers with prompts: the input and blocks 1..J-1", defaultValue = "9", min = 1)
        int promptDepthText,
    @Setting(description = "vision layers with prompts (0: none)", defaultValue = "9", min = 0) int promptDepthVision,
    @Setting(description = "weight of the L1 term between prompted and frozen text features", defaultValue = "25",
        min = 0) double textLossWeight,
    @Setting(description = "weight of the L1 term between prompted and frozen image features", defaultValue = "10",
        min = 0) double imageLossWeight,
    @Setting(description = "mean (1-based epoch) of the Gaussian prompt aggregation", defaultValue = "15") double gpaMean,
    @Setting(description = "standard deviation of the Gaussian prompt aggregation", defaultValue = "1", min = 0,
        minExclusive = true) double gpaStd,
    @Setting(description = "templates averaged for the frozen text features; empty: the dataset template"
        + " (the official code averages its 60 IMAGENET_TEMPLATES)", defaultValue = "") List<String> templates) {

  /** Returns the IVLP architecture these settings describe. */
  public IvlpSettings architecture() {
    return new IvlpSettings(nCtxText, nCtxVision, ctxInit, promptDepthText, promptDepthVision);
  }

  /**
   * Returns the Gaussian prompt aggregation weights of epochs 1..{@code epochs}: {@code N(e; mean, std)}
   * normalised to sum 1 ({@code promptsrc.py:263-270}).
   */
  public double[] gpaWeights(int epochs) {
    double[] w = new double[epochs];
    double sum = 0;
    for (int e = 1; e <= epochs; e++) {
      double z = (e - gpaMean) / gpaStd;
      w[e - 1] = Math.exp(-0.5 * z * z) / (gpaStd * Math.sqrt(2 * Math.PI));
      sum += w[e - 1];
    }
    for (int e = 0; e < epochs; e++) {
      w[e] /= sum;
    }
    return w;
  }
}
