package org.ckcoop.baselines.cocoop;

import org.ckcoop.core.config.Setting;

/**
 * CoCoOp's settings ({@code learner.cocoop.*}); defaults are the paper's configuration
 * {@code vit_b16_c4_ep10_batch1_ctxv1}: four context vectors from "a photo of a".
 *
 * @param nCtx the number of context vectors; with {@code ctx_init} it must equal the words' token count
 * @param ctxInit words initialising the context; empty for a random N(0, 0.02^2) initialisation
 */
public record CoCoOpSettings(
    @Setting(description = "number of context vectors (with ctx_init: the words' token count)", defaultValue = "4",
        min = 1) int nCtx,
    @Setting(description = "words initialising the context; empty: random N(0, 0.02^2)", defaultValue = "a photo of a")
        String ctxInit) {}
