package org.example.ckcoop.residual;

import org.ckcoop.core.config.Setting;

/**
 * The example learner's settings ({@code learner.residual_coop.*}).
 *
 * @param ctxInit the words whose token embeddings the context starts from
 */
public record ResidualSettings(
    @Setting(description = "words the context starts from (their token count is the context length)",
        defaultValue = "a photo of a") String ctxInit) {}
