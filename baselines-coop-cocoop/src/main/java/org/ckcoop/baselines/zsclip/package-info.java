/**
 * Zero-shot CLIP ({@code zsclip}), the "CLIP" row of every table: class text features from hand-crafted
 * prompts, the dataset's template (CoOp's {@code ZeroshotCLIP}) or an ensemble of templates whose
 * normalised features are averaged and renormalised ({@code ZeroshotCLIP2}). {@link
 * org.ckcoop.core.prompt.HandCraftedFeatures} (ckcoop-core) also gives KgCoOp, ProGrad and PromptSRC their
 * frozen references.
 */
package org.ckcoop.baselines.zsclip;
