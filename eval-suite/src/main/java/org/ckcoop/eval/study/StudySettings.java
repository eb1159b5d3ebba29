package org.ckcoop.eval.study;

import java.util.List;
import org.ckcoop.core.config.Setting;

/**
 * The {@code study.*} settings: what a study runs (protocol, learners, datasets, seeds, shots) and
 * where its results and caches go. They are the same for every run of the study, so they are not part
 * of a run's config hash; a run's own values (its seed, shots, datasets, protocol) are, through
 * {@link RunSettings} and the core sections.
 *
 * @param name the study's name (empty: the experiment file's name without extension)
 * @param protocol the evaluation protocol
 * @param learners the learners to compare, by registered name
 * @param datasets the training datasets, by id ({@code datasets.<id>.*})
 * @param targets the target datasets of cross-dataset and domain-generalization, by id
 * @param seeds the seeds; each seeds both the few-shot sampling and the training
 * @param shots shots per class of the training split (0: every training image)
 * @param output the results folder (empty: {@code results/<name>} beside the experiment file)
 * @param cache the feature cache folder (empty: {@code $CKCOOP_CACHE/features}, else {@code
 *     <output>/cache/features})
 * @param learnerConfigs the folder of learner recipes {@code <learner>.yaml} (empty: the repository's
 *     {@code configs/learners})
 * @param recipes per-learner recipe files {@code learner=file.yaml} that replace the folder's
 * @param defaultRecipes learners allowed to run without a recipe file, on the built-in defaults of
 *     {@code optim.*} and {@code train.*} plus the experiment file; any other learner without a recipe
 *     is an error (a missing recipe silently giving CoOp's SGD schedule is a wrong table)
 */
public record StudySettings(
    @Setting(description = "the study's name (empty: the experiment file's name)", defaultValue = "") String name,
    @Setting(description = "base2new, cross-dataset, domain-generalization or few-shot", defaultValue = "base2new")
        Protocol protocol,
    @Setting(description = "learners to compare, by name (see ckcoop learners)", defaultValue = "") List<String> learners,
    @Setting(description = "training datasets, by id of a datasets.<id> section", defaultValue = "")
        List<String> datasets,
    @Setting(description = "target datasets of cross-dataset and domain-generalization, by id", defaultValue = "")
        List<String> targets,
    @Setting(description = "seeds; each seeds the few-shot sampling and the training", defaultValue = "1, 2, 3", min = 0)
        List<Long> seeds,
    @Setting(description = "shots per class of the training split (0: all images)", defaultValue = "16", min = 0)
        List<Integer> shots,
    @Setting(description = "results folder (empty: results/<name> beside the experiment file)", defaultValue = "",
        local = true)
        String output,
    @Setting(description = "feature cache folder (empty: $CKCOOP_CACHE/features, else <output>/cache/features)",
        defaultValue = "", local = true)
        String cache,
    @Setting(description = "folder of learner recipes <learner>.yaml (empty: the repository's configs/learners)",
        defaultValue = "", local = true)
        String learnerConfigs,
    @Setting(description = "recipe files replacing the folder's, as learner=file.yaml", defaultValue = "", local = true)
        List<String> recipes,
    @Setting(description = "learners that may run without a recipe file, on the built-in optim/train defaults",
        defaultValue = "")
        List<String> defaultRecipes) {

  /** Copies the lists. */
  public StudySettings {
    learners = List.copyOf(learners);
    datasets = List.copyOf(datasets);
    targets = List.copyOf(targets);
    seeds = List.copyOf(seeds);
    shots = List.copyOf(shots);
    recipes = List.copyOf(recipes);
    defaultRecipes = List.copyOf(defaultRecipes);
  }
}
