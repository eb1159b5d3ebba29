package org.ckcoop.eval.study;

import org.ckcoop.core.config.Setting;

/**
 * The {@code features.*} settings of a run: which image features the learner trains on. Part of the
 * run's config hash.
 *
 * @param trainViews 0: train on the features of CLIP's test preprocessing (center crop, no
 *     augmentation); N: on N cached views per training image of CoOp's augmentation (random resized
 *     crop and flip, seeded by the run's seed), epoch {@code e} using view {@code e mod N}
 */
public record FeatureSettings(
    @Setting(description = "augmented views per training image (0: no augmentation); epoch e uses view e mod N",
        defaultValue = "0", min = 0, max = 1000)
        int trainViews) {}
