/**
 * Learnable tokens inside the towers' layers ("deep prompts"), as MaPLe, IVLP, PromptSRC and deep VPT
 * put them: {@link org.ckcoop.backbone.prompts.TextLayerPrompts} replace the context tokens of the
 * text sequence at the input of layers 1..J-1, {@link org.ckcoop.backbone.prompts.VisionLayerPrompts}
 * append tokens after the patch tokens and replace them at the input of layers 1..J-1. The frozen
 * backbone takes them as extra arguments; gradients reach the prompt arrays, never the weights.
 */
package org.ckcoop.backbone.prompts;
