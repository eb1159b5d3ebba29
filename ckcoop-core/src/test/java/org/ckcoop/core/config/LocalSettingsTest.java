package org.ckcoop.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Machine-local settings are recorded but left out of the hash; raw files can be read without a schema. */
class LocalSettingsTest {
  record DataSettings(
      @Setting(description = "dataset name", defaultValue = "pets") String name,
      @Setting(description = "where the data lives", defaultValue = "", local = true) String root,
      @Setting(description = "shots", defaultValue = "16", min = 0) int shots) {}

  static final ConfigSection<DataSettings> DATA = ConfigSection.of("data", DataSettings.class, "data");

  @TempDir Path dir;

  private static ResolvedConfig resolve(String... overrides) {
    return LayeredConfig.builder(ConfigSchema.of(DATA)).overrides(List.of(overrides)).build().resolve(DATA);
  }

  @Test
  void aLocalKeyIsRecordedButDoesNotChangeTheHash() throws Exception {
    ResolvedConfig here = resolve("data.root=/mnt/a/pets");
    ResolvedConfig there = resolve("data.root=/scratch/b");
    ResolvedConfig other = resolve("data.root=/mnt/a/pets", "data.shots=4");
    assertThat(here.values()).containsEntry("data.root", "/mnt/a/pets");
    assertThat(there.values()).containsEntry("data.root", "/scratch/b");
    assertThat(here.localKeys()).containsExactly("data.root");
    assertThat(here.hash()).isEqualTo(there.hash()).isNotEqualTo(other.hash());
    // The hash is that of the non-local keys alone, as documented.
    String text = "data.name=pets\ndata.shots=16\n";
    assertThat(ResolvedConfig.canonicalText(new java.util.TreeMap<>(Map.of("data.name", "pets", "data.shots", "16"))))
        .isEqualTo(text);
    assertThat(here.hash()).isEqualTo(sha256(text));
  }

  @Test
  void theWrittenFileMarksLocalKeysAndLoadsBackToTheSameHash() throws Exception {
    ResolvedConfig run = resolve("data.root=/mnt/a/pets", "data.shots=2");
    Path file = dir.resolve("resolved.properties");
    run.write(file);
    assertThat(Files.readString(file, StandardCharsets.UTF_8))
        .contains("# --set (machine-local: not part of the hash)\ndata.root = /mnt/a/pets");
    ResolvedConfig back = LayeredConfig.builder(ConfigSchema.of(DATA)).experimentFile(file).build().resolve(DATA);
    assertThat(back.values()).isEqualTo(run.values());
    assertThat(back.hash()).isEqualTo(run.hash());
  }

  @Test
  void readFileFlattensWithoutASchema() throws Exception {
    Path yaml = Files.writeString(dir.resolve("exp.yaml"), "datasets:\n  pets:\n    root: /data\n  dtd.name: DTD\n"
        + "grid.values: [1, 2]\nempty:\n");
    Map<String, Object> flat = LayeredConfig.readFile(yaml);
    assertThat(flat).containsExactly(Map.entry("datasets.pets.root", "/data"), Map.entry("datasets.dtd.name", "DTD"),
        Map.entry("grid.values", List.of("1", "2")), new java.util.AbstractMap.SimpleEntry<>("empty", null));
    assertThatThrownBy(() -> LayeredConfig.readFile(dir.resolve("missing.yaml"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("missing.yaml: no such file");
  }

  private static String sha256(String text) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
