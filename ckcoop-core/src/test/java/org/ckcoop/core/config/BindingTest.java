package org.ckcoop.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ckcoop.core.config.TestSections.OPTIM;
import static org.ckcoop.core.config.TestSections.OTHER;
import static org.ckcoop.core.config.TestSections.TOY;
import static org.ckcoop.core.config.TestSections.TRAIN;
import static org.ckcoop.core.config.TestSections.builder;
import static org.ckcoop.core.config.TestSections.write;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BindingTest {

  @TempDir Path dir;

  @Test
  void aValueOfTheWrongTypeNamesKeySourceAndType() {
    Path exp = write(dir, "exp.yaml", "learner:\n  toy:\n    n_ctx: four\n");
    LayeredConfig config = builder().experimentFile(exp).build();

    assertThatThrownBy(() -> config.bind(TOY))
        .isInstanceOf(ConfigException.class)
        .hasMessage("learner.toy.n_ctx = 'four' (from " + exp + "): expected an integer");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "train.epochs=2.5        | train.epochs = '2.5' (from --set): expected an integer",
      "train.epochs=           | train.epochs = '' (from --set): expected an integer",
      "train.epochs=3000000000 | train.epochs = '3000000000' (from --set): expected an integer from -2147483648 to 2147483647",
      "train.seed=1e3          | train.seed = '1e3' (from --set): expected an integer",
      "optim.lr=fast           | optim.lr = 'fast' (from --set): expected a number",
      "optim.lr=NaN            | optim.lr = 'NaN' (from --set): expected a number",
      "optim.lr=1e999          | optim.lr = '1e999' (from --set): is too large (double)",
      "optim.lr=0x10           | optim.lr = '0x10' (from --set): expected a number",
      "train.drop_last=yes     | train.drop_last = 'yes' (from --set): expected true or false",
  })
  void wrongTypes(String override, String message) {
    LayeredConfig config = builder(override).build();
    ConfigSection<?> section = override.startsWith("optim") ? OPTIM : TRAIN;

    assertThatThrownBy(() -> config.bind(section)).isInstanceOf(ConfigException.class).hasMessage(message);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "optim.lr=-0.1          | optim.lr = -0.1 (from --set): must be > 0",
      "optim.lr=0             | optim.lr = 0 (from --set): must be > 0",
      "optim.lr=-0.0          | optim.lr = 0 (from --set): must be > 0",
      "optim.momentum=1       | optim.momentum = 1 (from --set): must be >= 0 and < 1",
      "optim.momentum=-1e-9   | optim.momentum = -1e-9 (from --set): must be >= 0 and < 1",
      "optim.weight_decay=-5e-4 | optim.weight_decay = -0.0005 (from --set): must be >= 0",
      "learner.toy.n_ctx=0    | learner.toy.n_ctx = 0 (from --set): must be >= 1 and <= 64",
      "learner.toy.n_ctx=65   | learner.toy.n_ctx = 65 (from --set): must be >= 1 and <= 64",
      "other.offset=-11       | other.offset = -11 (from --set): must be >= -10",
  })
  void valuesOutOfRange(String override, String message) {
    LayeredConfig config = builder(override).build();
    ConfigSection<?> section = TestSections.SCHEMA.sections().stream()
        .filter(s -> override.startsWith(s.prefix() + ".") && s.keys().contains(override.split("=")[0]))
        .findFirst().orElseThrow();

    assertThatThrownBy(() -> config.bind(section)).isInstanceOf(ConfigException.class).hasMessage(message);
  }

  @Test
  void rangeBoundsThemselvesAreInOrOutAsDeclared() {
    assertThat(builder("optim.momentum=0").build().bind(OPTIM).momentum()).isZero();
    assertThat(builder("optim.momentum=0.999999").build().bind(OPTIM).momentum()).isEqualTo(0.999999);
    assertThat(builder("learner.toy.n_ctx=64").build().bind(TOY).nCtx()).isEqualTo(64);
    assertThat(builder("learner.toy.n_ctx=1").build().bind(TOY).nCtx()).isEqualTo(1);
    assertThat(builder("optim.lr=1e-300").build().bind(OPTIM).lr()).isEqualTo(1e-300);
  }

  @Test
  void anUnknownEnumValueListsTheAllowedOnes() {
    Path exp = write(dir, "exp.yaml", "learner.toy.class_token_position: back\n");
    LayeredConfig config = builder().experimentFile(exp).build();

    assertThatThrownBy(() -> config.bind(TOY))
        .isInstanceOf(ConfigException.class)
        .hasMessage("learner.toy.class_token_position = 'back' (from " + exp + "): expected one of end, middle, front");
    assertThatThrownBy(() -> builder("other.warmup=cosine").build().bind(OTHER))
        .hasMessage("other.warmup = 'cosine' (from --set): expected one of linear, constant_lr");
  }

  @Test
  void enumsIgnoreCaseAndReadDashAsUnderscore() {
    assertThat(builder("optim.name=AdamW").build().bind(OPTIM).name()).isEqualTo(TestSections.OptimizerName.ADAMW);
    assertThat(builder("other.warmup=Constant-LR").build().bind(OTHER).warmup())
        .isEqualTo(TestSections.Warmup.CONSTANT_LR);
    assertThat(builder("other.warmup=linear").build().bind(OTHER).warmup()).isEqualTo(TestSections.Warmup.LINEAR);
  }

  @Test
  void booleansIgnoreCase() {
    assertThat(builder("train.drop_last=TRUE").build().bind(TRAIN).dropLast()).isTrue();
    assertThat(builder("other.enabled=False").build().bind(OTHER).enabled()).isFalse();
  }

  @Test
  void listsComeFromYamlListsOrCommaSeparatedText() {
    Path yaml = write(dir, "exp.yaml", "learner: {toy: {n_ctx: 12, factor_shapes: [2, 3, 2]}}\nother: {tags: [a b, c]}\n");

    LayeredConfig fromYaml = builder().experimentFile(yaml).build();
    assertThat(fromYaml.bind(TOY).factorShapes()).containsExactly(2, 3, 2);
    assertThat(fromYaml.bind(OTHER).tags()).containsExactly("a b", "c");

    for (String text : List.of("2,3,2", " 2 , 3 , 2 ", "[2, 3, 2]", "[ 2,3,2 ]")) {
      assertThat(builder("learner.toy.n_ctx=12", "learner.toy.factor_shapes=" + text).build().bind(TOY).factorShapes())
          .as(text).containsExactly(2, 3, 2);
    }
    assertThat(builder("learner.toy.factor_shapes=[]").build().bind(TOY).factorShapes()).isEmpty();
    assertThat(builder("other.weights=1").build().bind(OTHER).weights()).containsExactly(1.0);
    assertThat(builder("other.weights=1,0.5e-1").build().bind(OTHER).weights()).containsExactly(1.0, 0.05);
  }

  @Test
  void boundListsAreImmutable() {
    List<Integer> shapes = builder("learner.toy.n_ctx=6", "learner.toy.factor_shapes=2,3").build().bind(TOY).factorShapes();

    assertThatThrownBy(() -> shapes.add(1)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aBadListElementIsNamedByPosition() {
    assertThatThrownBy(() -> builder("learner.toy.factor_shapes=2, x").build().bind(TOY))
        .isInstanceOf(ConfigException.class)
        .hasMessage("learner.toy.factor_shapes = '2, x' (from --set): element 2 ('x'): expected an integer");
    assertThatThrownBy(() -> builder("learner.toy.factor_shapes=2,,2").build().bind(TOY))
        .hasMessage("learner.toy.factor_shapes = '2,,2' (from --set): element 2 is empty");
    assertThatThrownBy(() -> builder("learner.toy.factor_shapes=2, 0").build().bind(TOY))
        .hasMessage("learner.toy.factor_shapes = [2, 0] (from --set): element 2 must be >= 1");
    assertThatThrownBy(() -> builder("other.weights=[0.5, 1.5]").build().bind(OTHER))
        .hasMessage("other.weights = [0.5, 1.5] (from --set): element 2 must be >= 0 and <= 1");
  }

  @Test
  void aBadElementOfAYamlListIsNamedToo() {
    Path exp = write(dir, "exp.yaml", "learner:\n  toy:\n    factor_shapes: [2, 2.5]\nother:\n  tags: ['a,b']\n");
    LayeredConfig config = builder().experimentFile(exp).build();

    assertThatThrownBy(() -> config.bind(TOY))
        .hasMessage("learner.toy.factor_shapes = '[2, 2.5]' (from " + exp + "): element 2 ('2.5'): expected an integer");
    assertThatThrownBy(() -> config.bind(OTHER))
        .hasMessage("other.tags = '[a,b]' (from " + exp + "): element 1 ('a,b') contains ',', which separates list elements");
  }

  @Test
  void aYamlListWhereOneValueBelongsIsAnError() {
    Path exp = write(dir, "exp.yaml", "train:\n  epochs: [1, 2]\n");

    assertThatThrownBy(() -> builder().experimentFile(exp).build().bind(TRAIN))
        .hasMessage("train.epochs = '[1, 2]' (from " + exp + "): expected an integer, not a list");
  }

  @Test
  void yamlScalarsAreReadAsTheyAreWritten() {
    Path exp = write(dir, "exp.yaml", """
        optim:
          lr: 1.0e-3
          weight_decay: 0
        train:
          seed: 12345678901
          drop_last: true
        learner:
          name: "toy"
          toy:
            ctx_init: "  a photo of a  "
        """);
    LayeredConfig config = builder().experimentFile(exp).build();

    assertThat(config.bind(OPTIM).lr()).isEqualTo(0.001);
    assertThat(config.bind(OPTIM).weightDecay()).isZero();
    assertThat(config.bind(TRAIN).seed()).isEqualTo(12345678901L);
    assertThat(config.bind(TRAIN).dropLast()).isTrue();
    assertThat(config.bind(TOY).ctxInit()).isEqualTo("a photo of a");
  }

  @Test
  void allBadValuesOfASectionAreReportedAtOnce() {
    LayeredConfig config = builder("optim.lr=-1", "optim.name=adam", "optim.warmup_epochs=x").build();

    assertThatThrownBy(() -> config.bind(OPTIM))
        .hasMessage("optim.name = 'adam' (from --set): expected one of sgd, adamw; "
            + "optim.lr = -1 (from --set): must be > 0; "
            + "optim.warmup_epochs = 'x' (from --set): expected an integer");
  }

  @Test
  void aRecordThatRejectsItsValuesIsReportedWithTheSourcesOfTheValues() {
    Path learner = write(dir, "learner.yaml", "learner: {toy: {n_ctx: 8}}\n");
    LayeredConfig config = builder("learner.toy.factor_shapes=2,3").learnerFile(learner).build();

    assertThatThrownBy(() -> config.bind(TOY))
        .isInstanceOf(ConfigException.class)
        .hasCauseInstanceOf(IllegalArgumentException.class)
        .hasMessage("learner.toy: factor_shapes [2, 3] multiply to 6, not n_ctx = 8 "
            + "(learner.toy.n_ctx = 8 from " + learner + ", learner.toy.factor_shapes = [2, 3] from --set; "
            + "the others are defaults)");
    assertThatThrownBy(() -> builder("learner.toy.factor_shapes=2,3").build().bind(TOY))
        .hasMessage("learner.toy: factor_shapes [2, 3] multiply to 6, not n_ctx = 4 "
            + "(learner.toy.factor_shapes = [2, 3] from --set; the others are defaults)");
  }

  @Test
  void aSectionOutsideTheSchemaCannotBeBound() {
    LayeredConfig config = LayeredConfig.builder(ConfigSchema.of(OPTIM)).build();

    assertThatThrownBy(() -> config.bind(TRAIN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("section 'train' (TrainSettings) is not part of");
  }

  @Test
  void aSectionCreatedTwiceIsTheSameSection() {
    ConfigSection<TestSections.OptimSettings> again =
        ConfigSection.of("optim", TestSections.OptimSettings.class, "created again by a plugin");

    assertThat(again).isEqualTo(OPTIM).hasSameHashCodeAs(OPTIM);
    assertThat(builder("optim.lr=0.01").build().bind(again).lr()).isEqualTo(0.01);
  }
}
