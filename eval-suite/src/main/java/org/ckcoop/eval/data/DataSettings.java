package org.ckcoop.eval.data;

import java.nio.file.Path;
import java.util.Optional;
import org.ckcoop.core.config.ConfigSection;

/**
 * The config sections of the data layer ({@code dataset.*} and {@code split.*}) and the step from
 * settings to a run's data: read the dataset (checking it), then get its few-shot split from the
 * split store.
 *
 * <pre>{@code
 * ConfigSchema schema = CoreSettings.schema(learners, DataSettings.DATASET, DataSettings.SPLIT);
 * ...
 * FewShotSplit split = DataSettings.prepare(run.settings(DATASET), run.settings(SPLIT), DatasetRegistry.discover());
 * DatasetSplits base = split.subsample(Subsample.BASE);   // record split.identity() with the result
 * }</pre>
 */
public final class DataSettings {
  /** {@code dataset.*}. */
  public static final ConfigSection<DatasetSettings> DATASET =
      ConfigSection.of("dataset", DatasetSettings.class, "the dataset a run reads and its shots per class");
  /** {@code split.*}. */
  public static final ConfigSection<SplitSettings> SPLIT =
      ConfigSection.of("split", SplitSettings.class, "few-shot sampling (Dassl's subsets; CoOp's few-shot cache when present) and split files");

  private DataSettings() {}

  /**
   * Reads and checks the dataset the settings name, with the template override applied.
   *
   * @throws DatasetException if the name is unknown, the root is not set, or the dataset is unusable
   */
  public static DatasetSplits read(DatasetSettings settings, DatasetRegistry registry) {
    DatasetReader reader = registry.reader(settings.name());
    if (settings.root().isBlank()) {
      throw new DatasetException("dataset.root", "not set; expected the CoOp DATA folder (for image-folder and "
          + "split-file: the dataset's own folder)");
    }
    Path root = Path.of(settings.root());
    Optional<Path> splitFile = settings.splitFile().isBlank() ? Optional.empty() : Optional.of(Path.of(settings.splitFile()));
    DatasetSplits splits = reader.read(new DatasetLocation(root, splitFile));
    if (!settings.template().isEmpty()) {
      splits = splits.toBuilder().template(new ZeroShotTemplate(settings.template())).build();
    }
    return splits;
  }

  /**
   * Reads the dataset and returns its few-shot split for {@code dataset.shots} and {@code split.seed},
   * written on first use and reused after.
   *
   * @throws DatasetException if the dataset is unusable or an existing split file does not check out
   */
  public static FewShotSplit prepare(DatasetSettings dataset, SplitSettings split, DatasetRegistry registry) {
    DatasetSplits full = read(dataset, registry);
    SplitStore store = split.dir().isBlank() ? SplitStore.beside(full) : new SplitStore(Path.of(split.dir()));
    return store.fewShot(full, dataset.shots(), split.seed(), new FewShotSampler(split.shortClasses()));
  }
}
