package org.ckcoop.eval.data;

import org.ckcoop.core.config.Setting;

/**
 * The {@code split.*} settings: the few-shot sampling seed, Dassl's behaviour for small classes, and
 * where split files live. The sampling seed is separate from {@code train.seed}: the same split can
 * be trained with several seeds, and seed 0 is a seed like any other.
 *
 * @param seed the seed of the few-shot sampling (Dassl's {@code cfg.SEED} at sampling time)
 * @param shortClasses what a class with fewer images than the shots gets
 * @param dir the folder of split files; empty: {@code split_fewshot_ckcoop} inside the dataset's folder
 *     (machine-local: not part of the config hash)
 */
public record SplitSettings(
    @Setting(description = "seed of the few-shot sampling (the subsets Dassl draws for this seed)", defaultValue = "1",
        min = 0)
        long seed,
    @Setting(description = "a class with fewer images than shots: keep_all (Dassl repeat=False) or repeat "
        + "(random.choices, older Dassl)", defaultValue = "keep_all")
        ShortClassPolicy shortClasses,
    @Setting(description = "folder of few-shot split files; empty: split_fewshot_ckcoop in the dataset's folder",
        defaultValue = "", local = true)
        String dir) {}
