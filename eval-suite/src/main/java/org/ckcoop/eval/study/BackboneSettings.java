package org.ckcoop.eval.study;

import org.ckcoop.core.config.Setting;

/**
 * The {@code backbone.*} settings: the frozen CLIP every run of a study shares. Its identity (a hash
 * of the weights), not its path, is what results record and resumes check.
 *
 * @param checkpoint the checkpoint folder (or file)
 * @param name a label for tables (empty: the checkpoint folder's name)
 * @param device cpu, gpu, gpu:N or auto
 * @param batchSize images per forward pass when encoding features
 */
public record BackboneSettings(
    @Setting(description = "the checkpoint folder (Hugging Face, open_clip or OpenAI layout)", defaultValue = "",
        local = true)
        String checkpoint,
    @Setting(description = "label for tables (empty: the checkpoint folder's name)", defaultValue = "") String name,
    @Setting(description = "cpu, gpu, gpu:N or auto", defaultValue = "auto", local = true) String device,
    @Setting(description = "images per forward pass when encoding features", defaultValue = "32", min = 1, local = true)
        int batchSize) {}
