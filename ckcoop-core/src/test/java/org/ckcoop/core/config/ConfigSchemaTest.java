package org.ckcoop.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ckcoop.core.config.TestSections.LEARNER;
import static org.ckcoop.core.config.TestSections.OPTIM;
import static org.ckcoop.core.config.TestSections.TOY;
import static org.ckcoop.core.config.TestSections.TRAIN;

import org.junit.jupiter.api.Test;

class ConfigSchemaTest {

  record Lr(@Setting(description = "another learning rate", defaultValue = "0.1") double lr) {}

  record Toy(@Setting(description = "a setting named like a section", defaultValue = "x") String toy) {}

  record Name(@Setting(description = "a setting under learner.name", defaultValue = "x") String x) {}

  @Test
  void aSectionNamedLikeAParentOnlyClaimsItsOwnKeys() {
    ConfigSchema schema = ConfigSchema.of(LEARNER, TOY);

    assertThat(schema.keys()).containsExactly("learner.name", "learner.toy.class_token_position",
        "learner.toy.ctx_init", "learner.toy.factor_shapes", "learner.toy.n_ctx");
    assertThat(schema.section("learner")).contains(LEARNER);
    assertThat(schema.section("learner.toy")).contains(TOY);
    assertThat(schema.section("learner.coop")).isEmpty();
    assertThat(schema.sections()).containsExactly(LEARNER, TOY);
  }

  @Test
  void twoSectionsClaimingTheSameKeyAreRejected() {
    ConfigSection<Lr> optimLr = ConfigSection.of("optim", Lr.class, "clashes by prefix");
    ConfigSection<Lr> other = ConfigSection.of("other", Lr.class, "no clash");
    ConfigSchema schema = ConfigSchema.of(OPTIM, TRAIN);

    assertThatThrownBy(() -> schema.with(optimLr))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("two sections with prefix 'optim': " + TestSections.OptimSettings.class.getName()
            + " and " + Lr.class.getName());
    assertThat(schema.with(other).keys()).contains("other.lr", "optim.lr");
  }

  @Test
  void twoPluginsRegisteringTheSameLearnerAreRejectedWhateverTheirKeys() {
    record NCtx(@Setting(description = "x", defaultValue = "1") int nCtx) {}
    record Depth(@Setting(description = "x", defaultValue = "1") int depth) {}
    ConfigSection<NCtx> first = ConfigSection.of("learner.coop", NCtx.class, "plugin one");
    ConfigSection<NCtx> sameAgain = ConfigSection.of("learner.coop", NCtx.class, "plugin one, loaded twice");
    ConfigSection<Depth> disjoint = ConfigSection.of("learner.coop", Depth.class, "plugin two");

    assertThatThrownBy(() -> ConfigSchema.of(first, sameAgain))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("two sections with prefix 'learner.coop': " + NCtx.class.getName() + " and " + NCtx.class.getName());
    assertThatThrownBy(() -> ConfigSchema.of(first, disjoint))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("two sections with prefix 'learner.coop'");
  }

  @Test
  void keysThatMerelyLookAlikeDoNotClash() {
    record ToyNCtx(@Setting(description = "x", defaultValue = "1") int toyNCtx) {}
    ConfigSection<ToyNCtx> learnerToyNCtx = ConfigSection.of("learner", ToyNCtx.class, "claims learner.toy_n_ctx");

    assertThat(ConfigSchema.of(TOY, learnerToyNCtx).keys()).contains("learner.toy_n_ctx", "learner.toy.n_ctx");
  }

  @Test
  void aSettingNamedLikeAnotherSectionIsRejected() {
    ConfigSection<Toy> learnerToy = ConfigSection.of("learner", Toy.class, "claims learner.toy");

    assertThatThrownBy(() -> ConfigSchema.of(learnerToy, TOY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key 'learner.toy' of section 'learner' (Toy) is also the parent of key "
            + "'learner.toy.n_ctx' of section 'learner.toy' (ToySettings)");
    assertThatThrownBy(() -> ConfigSchema.of(TOY, learnerToy))
        .hasMessage("key 'learner.toy' of section 'learner' (Toy) is also the parent of key "
            + "'learner.toy.class_token_position' of section 'learner.toy' (ToySettings)");
  }

  @Test
  void withReturnsANewSchemaAndLeavesTheOldOne() {
    ConfigSchema small = ConfigSchema.of(OPTIM);
    ConfigSchema large = small.with(TRAIN);

    assertThat(small.keys()).noneMatch(k -> k.startsWith("train."));
    assertThat(large.keys()).contains("train.epochs", "optim.lr");
  }
}
