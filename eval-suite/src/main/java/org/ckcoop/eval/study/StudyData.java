package org.ckcoop.eval.study;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.ckcoop.core.config.LayeredConfig;
import org.ckcoop.eval.data.DataSettings;
import org.ckcoop.eval.data.DatasetSplits;
import org.ckcoop.eval.data.FewShotSampler;
import org.ckcoop.eval.data.FewShotSplit;
import org.ckcoop.eval.data.ShortClassPolicy;
import org.ckcoop.eval.data.SplitSettings;
import org.ckcoop.eval.data.SplitStore;

/**
 * The datasets and few-shot splits of a study, each read (and checked) once per process: a dataset
 * by its id, a split by dataset, shots, seed, split folder and small-class policy.
 */
final class StudyData {
  private record SplitKey(String dataset, int shots, long seed, Path dir, ShortClassPolicy policy) {}

  private final Study study;
  private final Map<String, DatasetSplits> datasets = new HashMap<>();
  private final Map<SplitKey, FewShotSplit> splits = new HashMap<>();

  StudyData(Study study) {
    this.study = study;
  }

  /** Returns the whole dataset of an id (its template override applied). */
  DatasetSplits dataset(String id) {
    return datasets.computeIfAbsent(id, k -> DataSettings.read(study.datasets().get(k).settings(),
        study.datasetRegistry()));
  }

  /** Returns the few-shot split of a run's training dataset (written on first use, checked on reuse). */
  FewShotSplit split(PlannedRun run) {
    SplitSettings settings = run.plan().resolved().settings(DataSettings.SPLIT);
    DatasetSplits full = dataset(run.dataset());
    Path dir = null;
    if (!settings.dir().isBlank()) {
      Path p = Path.of(settings.dir());
      Path base = LayeredConfig.OVERRIDES.equals(run.plan().resolved().sources().get("split.dir"))
          ? Path.of("").toAbsolutePath() : study.experimentFile().getParent();
      dir = base.resolve(p).toAbsolutePath().normalize();
    }
    SplitKey key = new SplitKey(run.dataset(), run.shots(), run.seed(), dir, settings.shortClasses());
    FewShotSplit split = splits.get(key);
    if (split == null) {
      SplitStore store = dir == null ? SplitStore.beside(full) : new SplitStore(dir);
      split = store.fewShot(full, run.shots(), run.seed(), new FewShotSampler(settings.shortClasses()));
      splits.put(key, split);
    }
    return split;
  }
}
