package org.ckcoop.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigSectionTest {

  @Test
  void keysArePrefixPlusSnakeCaseComponentNames() {
    assertThat(TestSections.TOY.keys()).containsExactly(
        "learner.toy.n_ctx", "learner.toy.ctx_init", "learner.toy.class_token_position", "learner.toy.factor_shapes");
    assertThat(TestSections.LEARNER.keys()).containsExactly("learner.name");
    assertThat(TestSections.OPTIM.prefix()).isEqualTo("optim");
    assertThat(TestSections.OPTIM.type()).isEqualTo(TestSections.OptimSettings.class);
    assertThat(TestSections.OPTIM.description()).isEqualTo("optimizer");
  }

  @ParameterizedTest
  @CsvSource({
      "nCtx, n_ctx",
      "classTokenPosition, class_token_position",
      "lr, lr",
      "warmupLR, warmup_lr",
      "httpServerURL, http_server_url",
      "top5Accuracy, top5_accuracy",
      "n_ctx, n_ctx",
  })
  void snakeCase(String component, String key) {
    assertThat(SettingField.snakeCase(component)).isEqualTo(key);
  }

  @Test
  void settingsDescribeTypeDefaultRangeAndDescription() {
    assertThat(TestSections.TOY.settings()).containsExactly(
        new SettingInfo("learner.toy.n_ctx", "integer", "4", ">= 1 and <= 64", "context tokens"),
        new SettingInfo("learner.toy.ctx_init", "string", "a photo of a", "", "context initialisation"),
        new SettingInfo("learner.toy.class_token_position", "choice", "end", "one of end, middle, front",
            "where the class token goes"),
        new SettingInfo("learner.toy.factor_shapes", "list of integers", "[]", "each >= 1", "Kronecker factor shapes"));
    assertThat(TestSections.OPTIM.settings()).extracting(SettingInfo::key, SettingInfo::defaultValue, SettingInfo::allowed)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("optim.name", "sgd", "one of sgd, adamw"),
            org.assertj.core.groups.Tuple.tuple("optim.lr", "0.002", "> 0"),
            org.assertj.core.groups.Tuple.tuple("optim.momentum", "0.9", ">= 0 and < 1"),
            org.assertj.core.groups.Tuple.tuple("optim.weight_decay", "0.0005", ">= 0"),
            org.assertj.core.groups.Tuple.tuple("optim.warmup_epochs", "1", ">= 0"),
            org.assertj.core.groups.Tuple.tuple("optim.warmup_lr", "0.00001", ">= 0"),
            org.assertj.core.groups.Tuple.tuple("optim.schedule", "cosine", "one of cosine, constant"));
    assertThat(TestSections.OTHER.settings()).extracting(SettingInfo::type, SettingInfo::defaultValue)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("list of numbers", "[0.5, 0.25]"),
            org.assertj.core.groups.Tuple.tuple("list of strings", "[]"),
            org.assertj.core.groups.Tuple.tuple("number", "1.5"),
            org.assertj.core.groups.Tuple.tuple("integer", "-7"),
            org.assertj.core.groups.Tuple.tuple("choice", "constant_lr"),
            org.assertj.core.groups.Tuple.tuple("boolean", "true"),
            org.assertj.core.groups.Tuple.tuple("number", "0"));
  }

  record NoAnnotation(@Setting(description = "ok", defaultValue = "1") int a, int b) {}

  record Unsupported(@Setting(description = "a map", defaultValue = "") Map<String, String> map) {}

  record RawList(@Setting(description = "a raw list", defaultValue = "") @SuppressWarnings("rawtypes") List list) {}

  record SetOfInts(@Setting(description = "a set", defaultValue = "") Set<Integer> set) {}

  record BadDefault(@Setting(description = "epochs", defaultValue = "ten") int epochs) {}

  record DefaultOutOfRange(@Setting(description = "epochs", defaultValue = "0", min = 1) int epochs) {}

  record RangeOnText(@Setting(description = "name", defaultValue = "x", min = 1) String name) {}

  record EmptyRange(@Setting(description = "x", defaultValue = "1", min = 2, max = 1) int x) {}

  record BlankDescription(@Setting(description = " ", defaultValue = "1") int x) {}

  record RejectsDefaults(@Setting(description = "x", defaultValue = "1") int x) {
    RejectsDefaults {
      if (x == 1) {
        throw new IllegalArgumentException("x must not be 1");
      }
    }
  }

  enum Clash { ab, AB }

  record ClashingEnum(@Setting(description = "x", defaultValue = "ab") Clash x) {}

  record Empty() {}

  record TwoNames(
      @Setting(description = "x", defaultValue = "1") int nCtx,
      @Setting(description = "y", defaultValue = "1") int n_ctx) {}

  @Test
  void badDeclarationsAreBugs() {
    String p = ConfigSectionTest.class.getName() + "$";
    assertThatThrownBy(() -> ConfigSection.of("x", NoAnnotation.class, "d"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage(p + "NoAnnotation.b has no @Setting annotation");
    assertThatThrownBy(() -> ConfigSection.of("x", Unsupported.class, "d"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(p + "Unsupported.map: unsupported type java.util.Map<java.lang.String, java.lang.String>");
    assertThatThrownBy(() -> ConfigSection.of("x", RawList.class, "d"))
        .hasMessageStartingWith(p + "RawList.list: unsupported type java.util.List");
    assertThatThrownBy(() -> ConfigSection.of("x", SetOfInts.class, "d"))
        .hasMessageStartingWith(p + "SetOfInts.set: unsupported type");
    assertThatThrownBy(() -> ConfigSection.of("x", BadDefault.class, "d"))
        .hasMessage(p + "BadDefault.epochs: default 'ten' is not a valid value: expected an integer");
    assertThatThrownBy(() -> ConfigSection.of("x", DefaultOutOfRange.class, "d"))
        .hasMessage(p + "DefaultOutOfRange.epochs: default '0' is not a valid value: must be >= 1");
    assertThatThrownBy(() -> ConfigSection.of("x", RangeOnText.class, "d"))
        .hasMessage(p + "RangeOnText.name: min and max apply to numbers only");
    assertThatThrownBy(() -> ConfigSection.of("x", EmptyRange.class, "d"))
        .hasMessage(p + "EmptyRange.x: bad range min = 2.0, max = 1.0");
    assertThatThrownBy(() -> ConfigSection.of("x", BlankDescription.class, "d"))
        .hasMessage(p + "BlankDescription.x: @Setting needs a description");
    assertThatThrownBy(() -> ConfigSection.of("x", RejectsDefaults.class, "d"))
        .hasMessage("section 'x': " + p + "RejectsDefaults rejects its own defaults: x must not be 1");
    assertThatThrownBy(() -> ConfigSection.of("x", ClashingEnum.class, "d"))
        .hasMessageContaining("two constants named 'ab'");
    assertThatThrownBy(() -> ConfigSection.of("x", TwoNames.class, "d"))
        .hasMessage(p + "TwoNames: components nCtx and n_ctx both have key 'x.n_ctx'");
  }

  @Test
  void prefixAndDescriptionAreChecked() {
    for (String bad : List.of("", "Optim", "optim.", ".optim", "learner..coop", "learner.Coop", "optim-x", "1x")) {
      assertThatThrownBy(() -> ConfigSection.of(bad, TestSections.TrainSettings.class, "d"))
          .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("section prefix");
    }
    assertThatThrownBy(() -> ConfigSection.of("train", TestSections.TrainSettings.class, ""))
        .hasMessage("section 'train' needs a description");
  }

  @Test
  void aRecordWithoutSettingsIsASectionWithoutKeys() {
    ConfigSection<Empty> empty = ConfigSection.of("learner.zero_shot", Empty.class, "no settings");

    assertThat(empty.keys()).isEmpty();
    assertThat(LayeredConfig.builder(ConfigSchema.of(empty)).build().bind(empty)).isEqualTo(new Empty());
  }
}
