/**
 * The baselines every prompt-learning comparison reports, reproducing their official code: zero-shot
 * CLIP ({@code zsclip}), CoOp ({@code coop}), CoCoOp ({@code cocoop}) and KgCoOp ({@code kgcoop}), each
 * a {@link org.ckcoop.core.plugin.LearnerPlugin} found by {@code ServiceLoader}. This package holds
 * what they share: checking a state against the tensors a learner documents.
 */
package org.ckcoop.baselines;
