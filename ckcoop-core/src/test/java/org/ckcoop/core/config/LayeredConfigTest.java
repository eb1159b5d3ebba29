package org.ckcoop.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ckcoop.core.config.TestSections.OPTIM;
import static org.ckcoop.core.config.TestSections.TOY;
import static org.ckcoop.core.config.TestSections.TRAIN;
import static org.ckcoop.core.config.TestSections.builder;
import static org.ckcoop.core.config.TestSections.write;

import java.nio.file.Path;
import java.util.List;
import org.ckcoop.common.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayeredConfigTest {

  @TempDir Path dir;

  @Test
  void defaultsComeFromTheSettingAnnotations() {
    LayeredConfig config = builder().build();

    assertThat(config.bind(OPTIM)).isEqualTo(new TestSections.OptimSettings(
        TestSections.OptimizerName.SGD, 0.002, 0.9, 5e-4, 1, 1e-5, TestSections.Schedule.COSINE));
    assertThat(config.bind(TOY)).isEqualTo(
        new TestSections.ToySettings(4, "a photo of a", TestSections.Position.END, List.of()));
    assertThat(config.source("optim.lr")).isEqualTo("defaults");
    assertThat(config.layers()).containsExactly("defaults");
    assertThat(config.keys()).contains("learner.name", "learner.toy.n_ctx", "optim.weight_decay", "train.drop_last");
  }

  @Test
  void eachLayerBeatsTheOneBelow() {
    // Each layer sets train.epochs and one key more than the layer above it, so every key's winner
    // is the highest layer that has it.
    Path dataset = write(dir, "dataset.yaml", "train: {epochs: 1, batch_size: 11, seed: 101}\noptim: {lr: 0.1}\n");
    Path learner = write(dir, "learner.yaml", "train: {epochs: 2, batch_size: 12}\noptim: {lr: 0.2, momentum: 0.2}\n");
    Path exp1 = write(dir, "exp1.yaml", "train: {epochs: 3}\noptim: {lr: 0.3, momentum: 0.3, weight_decay: 0.3}\n");
    Path exp2 = write(dir, "exp2.properties", "optim.lr = 0.4\noptim.momentum = 0.4\n");

    LayeredConfig config = builder("optim.lr=0.5")
        .datasetFile(dataset).learnerFile(learner).experimentFile(exp1).experimentFile(exp2)
        .build();

    assertThat(config.layers()).containsExactly(
        "defaults", dataset.toString(), learner.toString(), exp1.toString(), exp2.toString(), "--set");
    TestSections.TrainSettings train = config.bind(TRAIN);
    TestSections.OptimSettings optim = config.bind(OPTIM);
    assertThat(train.seed()).isEqualTo(101);
    assertThat(config.source("train.seed")).isEqualTo(dataset.toString());
    assertThat(train.batchSize()).isEqualTo(12);
    assertThat(config.source("train.batch_size")).isEqualTo(learner.toString());
    assertThat(train.epochs()).isEqualTo(3);
    assertThat(config.source("train.epochs")).isEqualTo(exp1.toString());
    assertThat(optim.weightDecay()).isEqualTo(0.3);
    assertThat(optim.momentum()).isEqualTo(0.4);
    assertThat(config.source("optim.momentum")).isEqualTo(exp2.toString());
    assertThat(optim.lr()).isEqualTo(0.5);
    assertThat(config.source("optim.lr")).isEqualTo("--set");
    assertThat(train.dropLast()).isFalse();
    assertThat(config.source("train.drop_last")).isEqualTo("defaults");
  }

  @Test
  void aLaterExperimentFileBeatsAnEarlierOne() {
    Path a = write(dir, "a.yaml", "optim: {lr: 0.1}\n");
    Path b = write(dir, "b.yaml", "optim: {lr: 0.2}\n");

    assertThat(builder().experimentFiles(List.of(a, b)).build().bind(OPTIM).lr()).isEqualTo(0.2);
    assertThat(builder().experimentFiles(List.of(b, a)).build().bind(OPTIM).lr()).isEqualTo(0.1);
    assertThat(builder().experimentFiles(List.of(b, a)).build().source("optim.lr")).isEqualTo(a.toString());
  }

  @Test
  void aLaterOverrideBeatsAnEarlierOne() {
    LayeredConfig config = builder("optim.lr=0.1", "train.epochs=7", "optim.lr=0.3").build();

    assertThat(config.bind(OPTIM).lr()).isEqualTo(0.3);
    assertThat(config.bind(TRAIN).epochs()).isEqualTo(7);
    assertThat(config.source("train.epochs")).isEqualTo("--set");
  }

  @Test
  void overridesSplitAtTheFirstEqualsSign() {
    LayeredConfig config = builder(" learner.toy.ctx_init = x = y ").build();

    assertThat(config.bind(TOY).ctxInit()).isEqualTo("x = y");
  }

  @Test
  void nestedYamlEqualsDottedKeys() {
    Path nested = write(dir, "nested.yaml", """
        learner:
          name: toy
          toy:
            n_ctx: 8
            class_token_position: middle
        optim:
          lr: 2e-3
        """);
    Path dotted = write(dir, "dotted.yaml", """
        learner.name: toy
        learner.toy.n_ctx: 8
        learner.toy.class_token_position: middle
        optim.lr: 2e-3
        """);
    Path mixed = write(dir, "mixed.yaml", """
        learner:
          toy.n_ctx: 8
          toy:
            class_token_position: middle
        optim.lr: 2e-3
        """);

    ResolvedConfig a = builder().experimentFile(nested).build().resolve(TestSections.RUN);
    ResolvedConfig b = builder().experimentFile(dotted).build().resolve(TestSections.RUN);
    ResolvedConfig c = builder().experimentFile(mixed).build().resolve(TestSections.RUN);

    assertThat(a.values()).containsEntry("learner.toy.n_ctx", "8")
        .containsEntry("learner.toy.class_token_position", "middle");
    assertThat(b.values()).isEqualTo(a.values());
    assertThat(c.values()).isEqualTo(a.values());
    assertThat(a.sources().get("learner.toy.n_ctx")).isEqualTo(nested.toString());
  }

  @Test
  void propertiesFilesAreALayerLikeYaml() {
    Path props = write(dir, "exp.properties", """
        # a comment
        learner.toy.n_ctx = 6
        learner.toy.ctx_init : a photo of the
        learner.toy.factor_shapes = 2, 3
        train.drop_last=true
        """);

    LayeredConfig config = builder().experimentFile(props).build();

    assertThat(config.bind(TOY)).isEqualTo(
        new TestSections.ToySettings(6, "a photo of the", TestSections.Position.END, List.of(2, 3)));
    assertThat(config.bind(TRAIN).dropLast()).isTrue();
    assertThat(config.source("learner.toy.factor_shapes")).isEqualTo(props.toString());
  }

  @Test
  void aYamlMapWithoutValuesIsNothingButAKeyWithoutValueIsEmptyText() {
    Path file = write(dir, "exp.yaml", """
        learner:
        #  toy:
        #    n_ctx: 8
        optim: {}
        other:
          tags:
        """);

    LayeredConfig config = builder().experimentFile(file).build();

    assertThat(config.bind(TOY).nCtx()).isEqualTo(4);
    assertThat(config.source("learner.name")).isEqualTo("defaults");
    assertThat(config.bind(TestSections.OTHER).tags()).isEmpty();
    assertThat(config.source("other.tags")).isEqualTo(file.toString());
  }

  @Test
  void anEmptyYamlListOverridesALowerLayer() {
    Path learner = write(dir, "learner.yaml", "learner: {toy: {n_ctx: 6, factor_shapes: [2, 3]}}\n");
    Path exp = write(dir, "exp.yaml", "learner: {toy: {factor_shapes: []}}\n");

    LayeredConfig config = builder().learnerFile(learner).experimentFile(exp).build();

    assertThat(config.bind(TOY).factorShapes()).isEmpty();
    assertThat(config.source("learner.toy.factor_shapes")).isEqualTo(exp.toString());
  }

  @Test
  void anEmptyFileIsAnEmptyLayer() {
    Path empty = write(dir, "empty.yaml", "# nothing yet\n");

    LayeredConfig config = builder().experimentFile(empty).build();

    assertThat(config.layers()).containsExactly("defaults", empty.toString());
    assertThat(config.source("optim.lr")).isEqualTo("defaults");
  }

  @Test
  void anUnknownKeyNamesItsFileAndTheClosestKey() {
    Path exp = write(dir, "exp.yaml", "learner:\n  toy:\n    n_ctxx: 4\n");

    assertThatThrownBy(() -> builder().experimentFile(exp).build())
        .isInstanceOf(ConfigException.class)
        .isInstanceOf(InputException.class)
        .hasMessage("unknown key 'learner.toy.n_ctxx' in " + exp + "; did you mean 'learner.toy.n_ctx'?");
  }

  @Test
  void anUnknownOverrideKeyNamesSet() {
    assertThatThrownBy(() -> builder("train.epoch=3").build())
        .isInstanceOf(ConfigException.class)
        .hasMessage("unknown key 'train.epoch' in --set; did you mean 'train.epochs'?");
  }

  @Test
  void camelCaseAndCaseSlipsAreSuggestedTheirKey() {
    assertThatThrownBy(() -> builder("learner.toy.nCtx=3").build())
        .hasMessage("unknown key 'learner.toy.nCtx' in --set; did you mean 'learner.toy.n_ctx'?");
    assertThatThrownBy(() -> builder("OPTIM.LR=3").build())
        .hasMessage("unknown key 'OPTIM.LR' in --set; did you mean 'optim.lr'?");
  }

  @Test
  void nothingIsSuggestedWhenNoKeyIsClose() {
    Path exp = write(dir, "exp.yaml", "optim:\n  learning_rate: 0.1\n");

    assertThatThrownBy(() -> builder().experimentFile(exp).build())
        .hasMessage("unknown key 'optim.learning_rate' in " + exp);
    assertThatThrownBy(() -> builder("optim.wd=0").build())
        .hasMessage("unknown key 'optim.wd' in --set");
  }

  @Test
  void aScalarWhereASectionBelongsIsAnUnknownKey() {
    assertThatThrownBy(() -> builder("optim=adamw").build())
        .hasMessage("unknown key 'optim' in --set");
  }

  @Test
  void allUnknownKeysAreReportedAtOnce() {
    Path dataset = write(dir, "dataset.yaml", "train:\n  epoch: 10\n  batch_size: 4\n");
    Path exp = write(dir, "exp.properties", "optim.lrr = 0.1\nfoo.bar = 1\n");

    assertThatThrownBy(() -> builder("learner.toy.n_ctxx=2").datasetFile(dataset).experimentFile(exp).build())
        .isInstanceOf(ConfigException.class)
        .hasMessage("4 unknown keys: 'train.epoch' in " + dataset + " (did you mean 'train.epochs'?), "
            + "'optim.lrr' in " + exp + " (did you mean 'optim.lr'?), "
            + "'foo.bar' in " + exp + ", "
            + "'learner.toy.n_ctxx' in --set (did you mean 'learner.toy.n_ctx'?)");
  }

  @Test
  void propertiesIncludeIsAnUnknownKeyNotASilentInclude() {
    write(dir, "other.properties", "optim.lr = 0.5\n");
    Path exp = write(dir, "exp.properties", "include = other.properties\n");

    assertThatThrownBy(() -> builder().experimentFile(exp).build())
        .hasMessage("unknown key 'include' in " + exp);
  }

  @Test
  void aMalformedOverrideIsNamed() {
    assertThatThrownBy(() -> builder("optim.lr").build())
        .isInstanceOf(ConfigException.class)
        .hasMessage("--set 'optim.lr': expected key=value");
    assertThatThrownBy(() -> builder("=3").build())
        .hasMessage("--set '=3': expected key=value");
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = dir.resolve("nope.yaml");

    assertThatThrownBy(() -> builder().experimentFile(missing).build())
        .isInstanceOf(ConfigException.class)
        .hasMessage(missing + ": no such file");
    assertThatThrownBy(() -> builder().datasetFile(dir).build())
        .hasMessage(dir + ": not a regular file");
  }

  @Test
  void anUnsupportedFileTypeIsNamed() {
    Path json = write(dir, "exp.json", "{}");

    assertThatThrownBy(() -> builder().experimentFile(json).build())
        .hasMessage(json + ": unsupported file type: expected .yaml, .yml or .properties");
  }

  @Test
  void aYamlSyntaxErrorNamesFileLineAndColumn() {
    Path bad = write(dir, "bad.yml", "optim:\n  lr: 0.1\n  momentum: [0.9\ntrain:\n  epochs: 3\n");

    assertThatThrownBy(() -> builder().experimentFile(bad).build())
        .isInstanceOf(ConfigException.class)
        .hasMessage(bad + ": invalid YAML at line 4, column 6: expected ',' or ']', but got : "
            + "(while parsing a flow sequence at line 3, column 13)");
    Path tab = write(dir, "tab.yaml", "optim:\n  lr: 0.1\n lr2: : x\n");
    assertThatThrownBy(() -> builder().experimentFile(tab).build())
        .hasMessage(tab + ": invalid YAML at line 3, column 2: expected <block end>, but found '<block mapping start>' "
            + "(while parsing a block mapping at line 1, column 1)");
    Path colon = write(dir, "colon.yaml", "optim:\n  lr: a: b\n");
    assertThatThrownBy(() -> builder().experimentFile(colon).build())
        .hasMessage(colon + ": invalid YAML at line 2, column 8: mapping values are not allowed here");
  }

  @Test
  void aYamlKeyGivenTwiceIsAnError() {
    Path twice = write(dir, "twice.yaml", "optim:\n  lr: 0.1\n  lr: 0.2\n");
    Path both = write(dir, "both.yaml", "optim:\n  lr: 0.1\noptim.lr: 0.2\n");

    assertThatThrownBy(() -> builder().experimentFile(twice).build())
        .hasMessage(twice + ": invalid YAML at line 3, column 3: found duplicate key lr (while constructing a mapping at line 2, column 3)");
    assertThatThrownBy(() -> builder().experimentFile(both).build())
        .hasMessage(both + ": key 'optim.lr' is given twice");
  }

  @Test
  void aPropertiesKeyGivenTwiceIsAnError() {
    Path twice = write(dir, "twice.properties", "optim.lr = 0.1\n\noptim.lr = 0.2\n");

    assertThatThrownBy(() -> builder().experimentFile(twice).build())
        .hasMessage(twice + ": line 3: key 'optim.lr' is given twice");
  }

  @Test
  void aYamlFileMustBeAMapping() {
    Path list = write(dir, "list.yaml", "- optim.lr: 0.1\n");

    assertThatThrownBy(() -> builder().experimentFile(list).build())
        .hasMessage(list + ": expected a mapping of keys to values at the top level");
  }

  @Test
  void yamlListsHoldPlainValuesOnly() {
    Path nested = write(dir, "nested.yaml", "other:\n  tags: [[a, b], c]\n");
    Path date = write(dir, "date.yaml", "learner:\n  name: 2024-01-01\n");

    assertThatThrownBy(() -> builder().experimentFile(nested).build())
        .hasMessage(nested + ": key 'other.tags': a list may hold plain values only");
    assertThatThrownBy(() -> builder().experimentFile(date).build())
        .hasMessage(date + ": key 'learner.name': unsupported YAML value of type Date; put it in quotes");
  }

  @Test
  void aSourceIsOnlyGivenForKnownKeys() {
    LayeredConfig config = builder().build();

    assertThatThrownBy(() -> config.source("optim.nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'optim.nope' is not a key");
  }

  @Test
  void aBuilderReadsItsFilesAgainOnEachBuild() {
    Path exp = write(dir, "exp.yaml", "learner: {name: toy}\n");
    LayeredConfig.Builder builder = builder().experimentFile(exp);
    LayeredConfig first = builder.build();
    write(dir, "exp.yaml", "learner: {name: other}\n");

    assertThat(first.bind(TestSections.LEARNER).name()).isEqualTo("toy");
    assertThat(builder.build().bind(TestSections.LEARNER).name()).isEqualTo("other");
  }
}
