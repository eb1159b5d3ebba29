package org.ckcoop.baselines.kgcoop;

import org.ckcoop.core.config.Setting;

/**
 * KgCoOp's settings ({@code learner.kgcoop.*}); defaults are those of its code and scripts
 * ({@code N_CTX=4}, {@code CTX_INIT="a photo of a"}, {@code W=8.0}).
 *
 * @param nCtx the number of context vectors; with {@code ctx_init} it must equal the words' token count
 * @param ctxInit words initialising the context; empty for a random N(0, 0.02^2) initialisation
 * @param w the weight of {@code 1 - mean_c cos(g(t_c), g_clip(c))} in the loss
 */
public record KgCoOpSettings(
    @Setting(description = "number of context vectors (with ctx_init: the words' token count)", defaultValue = "4",
        min = 1) int nCtx,
    @Setting(description = "words initialising the context; empty: random N(0, 0.02^2)", defaultValue = "a photo of a")
        String ctxInit,
    @Setting(description = "weight of 1 - mean cos(learned, hand-crafted class feature) in the loss", defaultValue = "8.0",
        min = 0) double w) {}
