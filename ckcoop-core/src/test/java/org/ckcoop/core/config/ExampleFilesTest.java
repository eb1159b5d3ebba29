package org.ckcoop.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ckcoop.core.config.TestSections.RUN;
import static org.ckcoop.core.config.TestSections.builder;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A realistic run from the files under src/test/resources/org/ckcoop/core/config. */
class ExampleFilesTest {

  @TempDir Path dir;

  private static Path resource(String name) {
    try {
      return Path.of(ExampleFilesTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void datasetLearnerTwoExperimentsAndAnOverride() {
    Path dataset = resource("dataset-eurosat.yaml");
    Path learner = resource("learner-toy.yaml");
    Path ablation = resource("exp-nctx4.yaml");
    Path sweep = resource("exp-lr.properties");

    ResolvedConfig run = builder("train.epochs=20")
        .datasetFile(dataset).learnerFile(learner).experimentFile(ablation).experimentFile(sweep)
        .build().resolve(RUN);

    assertThat(run.values()).containsExactlyEntriesOf(new TreeMap<>(Map.ofEntries(
        Map.entry("learner.name", "toy"),
        Map.entry("learner.toy.class_token_position", "end"),
        Map.entry("learner.toy.ctx_init", "a photo of a"),
        Map.entry("learner.toy.factor_shapes", "[2, 2]"),
        Map.entry("learner.toy.n_ctx", "4"),
        Map.entry("optim.lr", "0.0035"),
        Map.entry("optim.momentum", "0.9"),
        Map.entry("optim.name", "sgd"),
        Map.entry("optim.schedule", "cosine"),
        Map.entry("optim.warmup_epochs", "1"),
        Map.entry("optim.warmup_lr", "0.00001"),
        Map.entry("optim.weight_decay", "0.0005"),
        Map.entry("train.batch_size", "32"),
        Map.entry("train.drop_last", "false"),
        Map.entry("train.epochs", "20"),
        Map.entry("train.seed", "3"))));
    // SHA-256 of the canonical text of the values above, computed with Python's hashlib.
    assertThat(run.hash()).isEqualTo("2e38e24310b4f104a5d7e9dd3fb52e31d44af3e3bcfc1c5d3a5cd1c727ea63d3");
    assertThat(run.sources()).containsEntry("learner.name", learner.toString())
        .containsEntry("learner.toy.class_token_position", learner.toString())
        .containsEntry("learner.toy.n_ctx", ablation.toString())
        .containsEntry("optim.name", ablation.toString())
        .containsEntry("optim.lr", sweep.toString())
        .containsEntry("train.batch_size", dataset.toString())
        .containsEntry("train.epochs", "--set")
        .containsEntry("learner.toy.ctx_init", "defaults");
    assertThat(run.unusedKeys()).isEmpty();

    Path saved = dir.resolve("config.properties");
    run.write(saved);
    assertThat(builder().experimentFile(saved).build().resolve(RUN).hash()).isEqualTo(run.hash());
  }
}
