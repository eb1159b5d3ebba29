/**
 * Zero-shot CLIP, CoOp, CoCoOp and further learners behind the PromptLearner SPI (to be built by the baselines issue).
 */
package org.ckcoop.baselines;
