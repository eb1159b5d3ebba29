/**
 * Zero-shot CLIP ({@code zsclip}), the "CLIP" row of every table: class text features from hand-crafted
 * prompts, the dataset's template (CoOp's {@code ZeroshotCLIP}) or an ensemble of templates whose
 * normalised features are averaged and renormalised ({@code ZeroshotCLIP2}). {@link
 * org.ckcoop.baselines.zsclip.HandCraftedFeatures} also gives KgCoOp its frozen reference.
 */
package org.ckcoop.baselines.zsclip;
