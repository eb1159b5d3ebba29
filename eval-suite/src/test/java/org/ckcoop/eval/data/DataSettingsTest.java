package org.ckcoop.eval.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.ckcoop.common.InputException;
import org.ckcoop.core.config.ConfigException;
import org.ckcoop.core.config.ConfigSchema;
import org.ckcoop.core.config.LayeredConfig;
import org.ckcoop.core.config.ResolvedConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dataset./split. sections bound through core's layered config, and the step to a run's data. */
class DataSettingsTest {
  @TempDir Path data;
  final ConfigSchema schema = ConfigSchema.of(DataSettings.DATASET, DataSettings.SPLIT);

  @BeforeEach
  void setUp() {
    Path home = data.resolve("eurosat");
    FabricatedData.splitDataset(home.resolve("2750"), home.resolve("split_zhou_EuroSAT.json"),
        List.of("Annual Crop Land", "Forest", "River"), 6, 2, 2);
  }

  private ResolvedConfig resolve(String... overrides) {
    return LayeredConfig.builder(schema).overrides(List.of(overrides)).build()
        .resolve(DataSettings.DATASET, DataSettings.SPLIT);
  }

  @Test
  void defaultsAreSixteenShotsSeedOneAndKeepAll() {
    ResolvedConfig run = resolve();
    DatasetSettings dataset = run.settings(DataSettings.DATASET);
    SplitSettings split = run.settings(DataSettings.SPLIT);
    assertThat(dataset.shots()).isEqualTo(16);
    assertThat(split.seed()).isEqualTo(1);
    assertThat(split.shortClasses()).isEqualTo(ShortClassPolicy.KEEP_ALL);
    assertThat(run.values(DataSettings.DATASET).keySet())
        .containsExactly("dataset.name", "dataset.root", "dataset.shots", "dataset.split_file", "dataset.template");
    assertThat(run.values(DataSettings.SPLIT).keySet()).containsExactly("split.dir", "split.seed", "split.short_classes");
  }

  @Test
  void settingsLeadToTheSampledSplitInTheConfiguredFolder() {
    Path splits = data.resolve("splits");
    ResolvedConfig run = resolve("dataset.name=eurosat", "dataset.root=" + data, "dataset.shots=4", "split.seed=0",
        "split.dir=" + splits, "split.short_classes=repeat");
    FewShotSplit split = DataSettings.prepare(run.settings(DataSettings.DATASET), run.settings(DataSettings.SPLIT),
        DatasetRegistry.builtIn());
    assertThat(split.file()).contains(splits.resolve("EuroSAT/shot_4-seed_0-repeat.json"));
    assertThat(split.splits().train()).hasSize(12);
    assertThat(split.splits().val()).hasSize(12);
    assertThat(split.splits().prompts()).first().isEqualTo("a centered satellite photo of Annual Crop Land.");
    FewShotSplit again = DataSettings.prepare(run.settings(DataSettings.DATASET), run.settings(DataSettings.SPLIT),
        DatasetRegistry.builtIn());
    assertThat(again.identity()).isEqualTo(split.identity());
  }

  @Test
  void theTemplateCanBeReplacedAndMustKeepItsPlaceholder() {
    ResolvedConfig run = resolve("dataset.name=EuroSAT", "dataset.root=" + data, "dataset.shots=0",
        "dataset.template=a satellite image of {}.");
    FewShotSplit split = DataSettings.prepare(run.settings(DataSettings.DATASET), run.settings(DataSettings.SPLIT),
        DatasetRegistry.builtIn());
    assertThat(split.splits().prompts()).contains("a satellite image of River.");
    assertThat(split.file()).isEmpty();
    assertThatThrownBy(() -> resolve("dataset.template=a satellite image")).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("dataset: template 'a satellite image' must contain '{}' exactly once");
  }

  @Test
  void badValuesAreConfigErrors() {
    assertThatThrownBy(() -> resolve("split.short_classes=twice")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("split.short_classes");
    assertThatThrownBy(() -> resolve("dataset.shots=-1")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("dataset.shots");
    DatasetSettings noRoot = resolve("dataset.name=EuroSAT").settings(DataSettings.DATASET);
    assertThatThrownBy(() -> DataSettings.read(noRoot, DatasetRegistry.builtIn())).isInstanceOf(InputException.class)
        .hasMessageStartingWith("dataset.root: not set");
    DatasetSettings noName = resolve("dataset.root=" + data).settings(DataSettings.DATASET);
    assertThatThrownBy(() -> DataSettings.read(noName, DatasetRegistry.builtIn()))
        .hasMessageStartingWith("dataset.name: no dataset given (known: ImageNet, ");
  }
}
