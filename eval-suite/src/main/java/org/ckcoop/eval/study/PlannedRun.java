package org.ckcoop.eval.study;

import java.nio.file.Path;
import java.util.List;
import org.ckcoop.core.run.RunPlan;
import org.ckcoop.eval.result.RunResult;

/**
 * One run of a study: a variant trained on one dataset with one number of shots and one seed, tested
 * as the protocol says, in its own folder. Its config is resolved and checked when the study is read,
 * before anything runs.
 *
 * @param index the run's position in the study's ordered run list (shards slice this list)
 * @param variant the learner configuration
 * @param dataset the training dataset's id
 * @param shots shots per class
 * @param seed the seed of the few-shot sampling and the training
 * @param targets the target datasets' ids (cross-dataset, domain-generalization)
 * @param plan the run's bound config (learner, recipe, resolved config and its hash)
 * @param folder the run's folder: {@code <output>/<protocol>/<variant-slug>/<dataset>/shots<K>/seed<S>}
 */
public record PlannedRun(int index, Variant variant, String dataset, int shots, long seed, List<String> targets,
    RunPlan plan, Path folder) {

  /** Copies the list. */
  public PlannedRun {
    targets = List.copyOf(targets);
  }

  /** Returns the run's identity: its config hash. */
  public String configHash() {
    return plan.resolved().hash();
  }

  /** Returns the run's result file, {@code <folder>/run.json}. */
  public Path resultFile() {
    return folder.resolve(RunResult.FILE_NAME);
  }

  /** Returns a short description for logs: {@code coop eurosat shots16 seed1}. */
  public String describe() {
    return variant.label() + " " + dataset + " shots" + shots + " seed" + seed;
  }

  @Override
  public String toString() {
    return describe();
  }
}
