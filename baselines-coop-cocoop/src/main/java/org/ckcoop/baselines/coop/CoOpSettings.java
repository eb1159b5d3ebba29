package org.ckcoop.baselines.coop;

import org.ckcoop.core.config.Setting;
import org.ckcoop.core.prompt.ClassTokenPosition;

/**
 * CoOp's settings ({@code learner.coop.*}); defaults are those of CoOp's {@code train.py}
 * ({@code N_CTX=16}, {@code CTX_INIT=""}, {@code CSC=False}, {@code CLASS_TOKEN_POSITION="end"}). The
 * base-to-new recipe ({@code vit_b16_ctxv1}) sets {@code n_ctx 4} and {@code ctx_init "a photo of a"}.
 *
 * @param nCtx the number of context vectors; with {@code ctx_init} it must equal the words' token count
 * @param ctxInit words whose token embeddings initialise the context ({@code _} read as a space);
 *     empty for a random N(0, 0.02^2) initialisation
 * @param csc class-specific context (one context per class, random initialisation only)
 * @param classTokenPosition where the class name goes: end, middle or front
 */
public record CoOpSettings(
    @Setting(description = "number of context vectors (with ctx_init: the words' token count)", defaultValue = "16",
        min = 1) int nCtx,
    @Setting(description = "words initialising the context, e.g. 'a photo of a'; empty: random N(0, 0.02^2)",
        defaultValue = "") String ctxInit,
    @Setting(description = "class-specific context, one per class (random initialisation only)", defaultValue = "false")
        boolean csc,
    @Setting(description = "class name position: end, middle or front", defaultValue = "end")
        ClassTokenPosition classTokenPosition) {}
