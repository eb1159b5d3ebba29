package org.ckcoop.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.CreationException;
import org.ckcoop.core.fixture.ToyLearnerPlugin;
import org.ckcoop.core.learner.PromptLearnerFactory;
import org.junit.jupiter.api.Test;

class LearnerRegistryTest {

  @Test
  void aPluginOnTheClassPathIsDiscoveredWithoutBeingNamedAnywhere() {
    LearnerRegistry registry = LearnerRegistry.discover();
    assertThat(registry.names()).containsExactly("ckcoop", "toy");
    PromptLearnerFactory toy = registry.factory("toy");
    assertThat(toy).isInstanceOf(ToyLearnerPlugin.Factory.class);
    assertThat(toy.description()).isEqualTo("test-only CoOp-like learner with random context");
  }

  @Test
  void anUnknownNameListsTheKnownOnes() {
    assertThatThrownBy(() -> LearnerRegistry.discover().factory("tyo"))
        .hasMessage("learner.name: unknown learner 'tyo' (known: ckcoop, toy)");
  }

  @Test
  void aSmallInjectorWithTheModuleAloneBindsTheFactory() {
    LearnerRegistry registry = com.google.inject.Guice.createInjector(new ToyLearnerPlugin())
        .getInstance(LearnerRegistry.class);
    assertThat(registry.names()).containsExactly("toy");
  }

  @Test
  void twoPluginsClaimingOneNameFailWhenTheInjectorIsCreated() {
    PromptLearnerFactory impostor = new ToyLearnerPlugin.Factory() {
      @Override
      public String description() {
        return "another learner that also calls itself toy";
      }
    };
    assertThatThrownBy(() -> LearnerRegistry.discover(binder ->
            LearnerBindings.learners(binder).addBinding("toy").toInstance(impostor)))
        .isInstanceOf(CreationException.class)
        .hasMessageContaining("toy");
  }
}
