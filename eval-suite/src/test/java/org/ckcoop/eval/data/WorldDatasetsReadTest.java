package org.ckcoop.eval.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.ckcoop.backbone.image.ImageDecoder;
import org.ckcoop.backbone.image.RgbImage;
import org.ckcoop.core.config.ConfigSchema;
import org.ckcoop.core.config.LayeredConfig;
import org.ckcoop.core.config.ResolvedConfig;
import org.ckcoop.world.dataset.DatasetRecipe;
import org.ckcoop.world.dataset.DatasetRole;
import org.ckcoop.world.dataset.PartCounts;
import org.ckcoop.world.dataset.WorldDatasets;
import org.ckcoop.world.dataset.WorldManifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in world's datasets go through the normal {@code split-file} reader, few-shot sampler
 * and base-to-new subsampling, as real data does.
 */
class WorldDatasetsReadTest {
  @TempDir static Path root;
  static WorldManifest manifest;
  final DatasetRegistry registry = DatasetRegistry.builtIn();

  @BeforeAll
  static void generate() {
    List<DatasetRecipe> recipes = WorldDatasets.standardRecipes().stream()
        .map(r -> r.withPerClass(r.role() == DatasetRole.TRAIN ? new PartCounts(4, 4, 3) : new PartCounts(0, 0, 3)))
        .toList();
    manifest = WorldDatasets.ensure(root, 1, 32, recipes);
  }

  DatasetSplits read(WorldManifest.Dataset d) {
    return registry.reader("split-file").read(DatasetLocation.of(d.folder(), d.splitFile()));
  }

  @Test
  void everyDatasetReadsAsItsManifestDescribesIt() {
    assertThat(manifest.datasets()).hasSize(6);
    for (WorldManifest.Dataset d : manifest.datasets()) {
      DatasetSplits splits = read(d);
      assertThat(splits.name()).isEqualTo(d.name());
      assertThat(splits.classNames()).isEqualTo(d.classNames());
      assertThat(splits.train()).hasSize(d.counts().train());
      assertThat(splits.val()).hasSize(d.counts().val());
      assertThat(splits.test()).hasSize(d.counts().test());
      assertThat(splits.imageRoot()).isEqualTo(d.folder());
      assertThat(splits.home()).isEqualTo(d.folder());
      Datum last = splits.test().get(splits.test().size() - 1);
      assertThat(last.label()).isEqualTo(d.classNames().size() - 1);
      RgbImage image = ImageDecoder.read(last.image());
      assertThat(image.width()).isEqualTo(32);
      assertThat(image.height()).isEqualTo(32);
      assertThat(Subsample.BASE.apply(splits).classNames()).isEqualTo(d.baseClasses());
      assertThat(Subsample.NEW.apply(splits).classNames()).isEqualTo(d.newClasses());
      assertThat(registry.reader("split-file").testOnly()).isFalse();
    }
    DatasetSplits objects = read(manifest.dataset("world_objects"));
    assertThat(Subsample.BASE.apply(objects).classNames()).hasSize(32).allMatch(c -> c.matches("(blue|cyan|green|orange) .*"));
    assertThat(Subsample.NEW.apply(objects).test()).hasSize(32 * 3);
    assertThat(read(manifest.dataset("world_objects_sketch")).train()).isEmpty();
  }

  @Test
  void settingsWithTheManifestsTemplateGiveFewShotSplitsAndItsPrompts() {
    WorldManifest.Dataset objects = manifest.dataset("world_objects");
    ConfigSchema schema = ConfigSchema.of(DataSettings.DATASET, DataSettings.SPLIT);
    ResolvedConfig run = LayeredConfig.builder(schema).overrides(List.of(
            "dataset.name=split-file", "dataset.root=" + objects.folder(),
            "dataset.split_file=" + objects.splitFile().getFileName(), "dataset.shots=2",
            "dataset.template=" + objects.template(), "split.seed=1"))
        .build().resolve(DataSettings.DATASET, DataSettings.SPLIT);
    FewShotSplit split = DataSettings.prepare(run.settings(DataSettings.DATASET), run.settings(DataSettings.SPLIT),
        registry);
    assertThat(split.splits().train()).hasSize(64 * 2);
    assertThat(split.splits().val()).hasSize(64 * 2);
    assertThat(split.splits().test()).hasSize(64 * 3);
    assertThat(split.splits().prompts()).startsWith("a photo of a blue arrow.", "a photo of a blue circle.");
    assertThat(split.file()).hasValueSatisfying(f -> assertThat(f).startsWith(objects.folder()));
    DatasetSplits base = split.subsample(Subsample.BASE);
    assertThat(base.train()).hasSize(32 * 2);

    // the few-shot split files written into the dataset's folder do not spoil the world
    WorldManifest again = WorldDatasets.ensure(root, 1, 32, WorldDatasets.standardRecipes().stream()
        .map(r -> r.withPerClass(r.role() == DatasetRole.TRAIN ? new PartCounts(4, 4, 3) : new PartCounts(0, 0, 3)))
        .toList());
    assertThat(again).isEqualTo(manifest);
    assertThat(split.file().orElseThrow()).isRegularFile();
  }
}
