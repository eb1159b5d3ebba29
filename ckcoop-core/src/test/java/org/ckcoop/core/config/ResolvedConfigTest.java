package org.ckcoop.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ckcoop.core.config.TestSections.LEARNER;
import static org.ckcoop.core.config.TestSections.OPTIM;
import static org.ckcoop.core.config.TestSections.OTHER;
import static org.ckcoop.core.config.TestSections.RUN;
import static org.ckcoop.core.config.TestSections.TOY;
import static org.ckcoop.core.config.TestSections.TRAIN;
import static org.ckcoop.core.config.TestSections.builder;
import static org.ckcoop.core.config.TestSections.write;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResolvedConfigTest {

  /** The canonical text of the defaults of {@link TestSections#RUN}, as documented. */
  private static final String DEFAULTS_TEXT = """
      learner.name=toy
      learner.toy.class_token_position=end
      learner.toy.ctx_init=a photo of a
      learner.toy.factor_shapes=[]
      learner.toy.n_ctx=4
      optim.lr=0.002
      optim.momentum=0.9
      optim.name=sgd
      optim.schedule=cosine
      optim.warmup_epochs=1
      optim.warmup_lr=0.00001
      optim.weight_decay=0.0005
      train.batch_size=32
      train.drop_last=false
      train.epochs=50
      train.seed=1
      """;

  /** SHA-256 of {@link #DEFAULTS_TEXT}, computed outside Java (Python hashlib). */
  private static final String DEFAULTS_HASH = "944881079674993efe090ae710d7611f5048039e9ee335abd4e7606012e995d6";

  @TempDir Path dir;

  @Test
  void defaultsResolveToTheDocumentedCanonicalTextAndGoldenHash() throws Exception {
    ResolvedConfig resolved = builder().build().resolve(RUN);

    assertThat(ResolvedConfig.canonicalText(resolved.values())).isEqualTo(DEFAULTS_TEXT);
    assertThat(resolved.hash()).isEqualTo(DEFAULTS_HASH);
    assertThat(resolved.hash()).isEqualTo(HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(DEFAULTS_TEXT.getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void goldenHashWithEscapesAndNonAscii() {
    Path exp = write(dir, "exp.yaml", """
        learner:
          toy:
            n_ctx: 6
            factor_shapes: [2, 3]
            class_token_position: FRONT
            ctx_init: "café \\\\ a\\nb"
        optim: {name: adamw, lr: 1e-2, warmup_lr: 0.0000001}
        train: {drop_last: true, seed: 12345678901}
        """);

    ResolvedConfig resolved = builder().experimentFile(exp).build().resolve(RUN);

    assertThat(resolved.settings(TOY).ctxInit()).isEqualTo("café \\ a\nb");
    assertThat(resolved.values()).containsEntry("optim.warmup_lr", "1e-7").containsEntry("train.seed", "12345678901");
    assertThat(resolved.hash()).isEqualTo("d5dbcfdd4418559aa5528a2a39922aed776c547984f2c615a3ac424e6c032906");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "0.002          | 0.002",
      "2e-3           | 0.002",
      "0.0020         | 0.002",
      "+.002E0        | 0.002",
      "2.000000000000000000001e-3 | 0.002",
      "0.1            | 0.1",
      "0.30000000000000004 | 0.30000000000000004",
      "5e-4           | 0.0005",
      "1e-5           | 0.00001",
      "1E-6           | 0.000001",
      "1e-7           | 1e-7",
      "1.25e-7        | 1.25e-7",
      "3              | 3",
      "3.0            | 3",
      "100            | 100",
      "1e20           | 100000000000000000000",
      "1e21           | 1e21",
      "123456789012345678901234 | 1.2345678901234569e23",
      "-0.5           | -0.5",
      "-2.5e-8        | -2.5e-8",
      "0.000          | 0",
      "-0             | 0",
      "4.9e-324       | 5e-324",
      "1.7976931348623157e308 | 1.7976931348623157e308",
  })
  void canonicalNumbers(String given, String canonical) {
    ResolvedConfig resolved = builder("other.shift=" + given).build().resolve(OTHER);

    assertThat(resolved.values()).containsEntry("other.shift", canonical);
    assertThat(resolved.settings(OTHER).shift()).isEqualTo(Double.parseDouble(canonical));
    assertThat(ValueType.decimal(Double.parseDouble(given))).isEqualTo(canonical);
  }

  @Test
  void canonicalValuesOfEveryType() {
    ResolvedConfig resolved = builder("other.weights=[1.0, 0.50, 2.5e-1]", "other.tags= b , a ", "other.scale=0.1",
        "other.offset=+007", "other.warmup=LINEAR", "other.enabled=FALSE", "learner.toy.n_ctx=006",
        "learner.toy.factor_shapes=[ 2,3 ]", "learner.toy.class_token_position=Middle")
        .build().resolve(OTHER, TOY);

    assertThat(resolved.values()).containsExactlyEntriesOf(new TreeMap<>(Map.ofEntries(
        Map.entry("other.weights", "[1, 0.5, 0.25]"),
        Map.entry("other.tags", "[b, a]"),
        Map.entry("other.scale", "0.1"),
        Map.entry("other.offset", "7"),
        Map.entry("other.warmup", "linear"),
        Map.entry("other.enabled", "false"),
        Map.entry("learner.toy.n_ctx", "6"),
        Map.entry("learner.toy.factor_shapes", "[2, 3]"),
        Map.entry("learner.toy.class_token_position", "middle"),
        Map.entry("learner.toy.ctx_init", "a photo of a"),
        Map.entry("other.shift", "0"))));
    assertThat(resolved.settings(OTHER).scale()).isEqualTo(0.1f);
  }

  @Test
  void floatsAreWrittenWithTheDigitsOfAFloat() {
    assertThat(ValueType.decimal(0.1f)).isEqualTo("0.1");
    assertThat(ValueType.decimal(1.0f / 3)).isEqualTo("0.33333334");
    assertThat(ValueType.decimal(3.4028235e38f)).isEqualTo("3.4028235e38");
    assertThat(ValueType.decimal(1e-8f)).isEqualTo("1e-8");
  }

  @Test
  void theHashDependsOnValuesNotOnWhichLayerOrFileGaveThem() {
    Path dataset = write(dir, "dataset.yaml", "train: {epochs: 10}\n");
    Path learner = write(dir, "learner.properties", "learner.toy.n_ctx = 8\n");
    Path exp = write(dir, "exp.yaml", "optim: {lr: 2e-3, momentum: 0.5}\n");
    Path everything = write(dir, "everything.yaml",
        "train: {epochs: 10}\nlearner: {toy: {n_ctx: 8}}\noptim: {momentum: 0.50}\n");

    ResolvedConfig layered = builder().datasetFile(dataset).learnerFile(learner).experimentFile(exp).build().resolve(RUN);
    ResolvedConfig oneFile = builder("optim.lr=0.0020").experimentFile(everything).build().resolve(RUN);
    ResolvedConfig otherOrder = builder().experimentFile(exp).learnerFile(learner).datasetFile(dataset).build()
        .resolve(TRAIN, OPTIM, TOY, LEARNER);

    assertThat(oneFile.values()).isEqualTo(layered.values());
    assertThat(oneFile.sources()).isNotEqualTo(layered.sources());
    assertThat(oneFile.hash()).isEqualTo(layered.hash()).isEqualTo(otherOrder.hash()).isNotEqualTo(DEFAULTS_HASH);
  }

  @Test
  void anyChangedValueChangesTheHash() {
    String base = builder().build().resolve(RUN).hash();

    assertThat(builder("optim.lr=0.0021").build().resolve(RUN).hash()).isNotEqualTo(base);
    assertThat(builder("learner.toy.ctx_init=a photo of an").build().resolve(RUN).hash()).isNotEqualTo(base);
    assertThat(builder().build().resolve(LEARNER, TOY, OPTIM).hash()).as("one section fewer").isNotEqualTo(base);
  }

  @Test
  void sourcesAreKeptForEveryResolvedKey() {
    Path exp = write(dir, "exp.yaml", "optim: {lr: 0.01}\n");

    ResolvedConfig resolved = builder("train.epochs=5").experimentFile(exp).build().resolve(RUN);

    assertThat(resolved.sources()).containsOnlyKeys(resolved.values().keySet());
    assertThat(resolved.sources()).containsEntry("optim.lr", exp.toString()).containsEntry("train.epochs", "--set")
        .containsEntry("optim.momentum", "defaults");
    assertThat(resolved.toString()).contains("optim.lr = 0.01  (" + exp + ")\n", "train.epochs = 5  (--set)\n");
  }

  @Test
  void settingsAndValuesOfOneSection() {
    ResolvedConfig resolved = builder("learner.toy.n_ctx=16").build().resolve(RUN);

    assertThat(resolved.settings(TOY).nCtx()).isEqualTo(16);
    assertThat(resolved.settings(OPTIM).lr()).isEqualTo(0.002);
    assertThat(resolved.values(TOY)).containsOnlyKeys(TOY.keys()).containsEntry("learner.toy.n_ctx", "16");
    assertThat(resolved.sections()).containsExactly(LEARNER, TOY, OPTIM, TRAIN);
    assertThatThrownBy(() -> resolved.settings(OTHER)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("section 'other' (OtherSettings) was not resolved");
  }

  @Test
  void keysSetForSectionsNotResolvedAreReportedAsUnused() {
    Path exp = write(dir, "exp.yaml", "other: {scale: 2}\noptim: {lr: 0.1}\n");

    ResolvedConfig resolved = builder("other.offset=1").experimentFile(exp).build().resolve(RUN);

    assertThat(resolved.unusedKeys()).containsExactlyEntriesOf(
        new TreeMap<>(Map.of("other.offset", "--set", "other.scale", exp.toString())));
  }

  @Test
  void resolvingReportsTheFirstSectionThatFails() {
    assertThatThrownBy(() -> builder("train.epochs=0", "optim.lr=0").build().resolve(RUN))
        .isInstanceOf(ConfigException.class)
        .hasMessage("optim.lr = 0 (from --set): must be > 0");
  }

  @Test
  void writeThenReadBackGivesTheSameValuesAndHash() throws Exception {
    Path exp = write(dir, "exp.yaml", """
        learner:
          toy:
            n_ctx: 6
            factor_shapes: [2, 3]
            ctx_init: "café \\\\ a\\nb = #x: !y"
        optim: {name: adamw, lr: 2e-3, warmup_lr: 1e-7}
        train: {drop_last: true, seed: -3}
        """);
    ResolvedConfig original = builder("train.epochs=7").experimentFile(exp).build().resolve(RUN);
    Path file = dir.resolve("run/config.properties");

    original.write(file);
    ResolvedConfig again = builder().experimentFile(file).build().resolve(RUN);

    assertThat(again.values()).isEqualTo(original.values());
    assertThat(again.hash()).isEqualTo(original.hash());
    assertThat(again.settings(TOY)).isEqualTo(original.settings(TOY));
    assertThat(again.sources().values()).containsOnly(file.toString());
    try (var files = Files.list(file.getParent())) {
      assertThat(files).as("no temporary file is left").containsExactly(file);
    }
  }

  @Test
  void theWrittenFileIsReadableWithSourcesAndHash() throws Exception {
    Path exp = write(dir, "exp.yaml", "optim: {lr: 0.01}\n");
    ResolvedConfig resolved = builder("train.epochs=5").experimentFile(exp).build().resolve(LEARNER, OPTIM, TRAIN);
    Path file = dir.resolve("config.properties");
    Files.writeString(file, "old content");

    resolved.write(file);

    assertThat(Files.readString(file)).isEqualTo("""
        # ckcoop resolved configuration; load it as an experiment file to repeat the run
        # sha256 %s
        # the comment above each setting names where its value came from

        # defaults
        learner.name = toy

        # %s
        optim.lr = 0.01

        # defaults
        optim.momentum = 0.9

        # defaults
        optim.name = sgd

        # defaults
        optim.schedule = cosine

        # defaults
        optim.warmup_epochs = 1

        # defaults
        optim.warmup_lr = 0.00001

        # defaults
        optim.weight_decay = 0.0005

        # defaults
        train.batch_size = 32

        # defaults
        train.drop_last = false

        # --set
        train.epochs = 5

        # defaults
        train.seed = 1
        """.formatted(resolved.hash(), exp));
  }

  @Test
  void writeNeedsAPropertiesFileName() {
    ResolvedConfig resolved = builder().build().resolve(RUN);

    assertThatThrownBy(() -> resolved.write(dir.resolve("config.yaml")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFileThatCannotBeWrittenIsNamed() throws Exception {
    ResolvedConfig resolved = builder().build().resolve(RUN);
    Path blocker = write(dir, "blocker", "a file, not a folder");
    Path file = blocker.resolve("config.properties");

    assertThatThrownBy(() -> resolved.write(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(file + ": cannot write: ");
  }

  @Test
  void resolvedMapsAreImmutable() {
    ResolvedConfig resolved = builder().build().resolve(List.of(OPTIM));

    assertThatThrownBy(() -> resolved.values().put("optim.lr", "1")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> resolved.sources().clear()).isInstanceOf(UnsupportedOperationException.class);
  }
}
