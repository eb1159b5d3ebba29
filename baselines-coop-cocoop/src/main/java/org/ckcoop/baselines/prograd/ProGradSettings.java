package org.ckcoop.baselines.prograd;

import org.ckcoop.core.config.Setting;

/**
 * ProGrad's settings ({@code learner.prograd.*}); defaults are those of its code and scripts
 * ({@code N_CTX=16}, {@code CTX_INIT True}: the dataset's template words, {@code LOSS.LAMBDA=1.0},
 * {@code LOSS.T=1.0}).
 *
 * @param nCtx the number of context vectors
 * @param ctxInit the words whose embeddings end the context; empty: the dataset's template without
 *     {@code " {}."} (ProGrad's {@code CTX_INIT True}); {@code none}: a random N(0, 0.02^2) context
 * @param lambda how much of the conflicting component is removed ({@code LOSS.LAMBDA})
 * @param temperature the distillation temperature T ({@code LOSS.T})
 */
public record ProGradSettings(
    @Setting(description = "number of context vectors", defaultValue = "16", min = 1) int nCtx,
    @Setting(description = "words ending the context; empty: the dataset template without ' {}.'; none: random",
        defaultValue = "") String ctxInit,
    @Setting(description = "share of the conflicting gradient component removed (LOSS.LAMBDA)", defaultValue = "1.0",
        min = 0, max = 1) double lambda,
    @Setting(description = "distillation temperature (LOSS.T)", defaultValue = "1.0", min = 0, minExclusive = true)
        double temperature) {}
