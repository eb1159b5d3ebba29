/**
 * PromptSRC (Khattak et al., ICCV 2023; official code {@code muzairkhattak/PromptSRC},
 * {@code trainers/promptsrc.py}): IVLP's independent deep prompts in both towers, regularised toward the
 * frozen model (L1 on text and image features, KL on logits) and aggregated over epochs with Gaussian
 * weights.
 */
package org.ckcoop.baselines.promptsrc;
