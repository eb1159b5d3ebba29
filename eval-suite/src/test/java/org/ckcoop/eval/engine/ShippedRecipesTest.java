package org.ckcoop.eval.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ckcoop.common.InputException;
import org.ckcoop.core.learner.PromptLearnerFactory;
import org.ckcoop.core.plugin.LearnerBindings;
import org.ckcoop.core.plugin.LearnerRegistry;
import org.ckcoop.core.plugin.ShippedRecipes;
import org.junit.jupiter.api.Test;

/** Plugins from outside the repository: recipes shipped in their jars, names that can be settings keys. */
class ShippedRecipesTest {

  @Test
  void aRecipeOnTheClassPathIsFoundAsAFileWithItsContent() throws Exception {
    Path recipe = ShippedRecipes.find("listed").orElseThrow();
    assertThat(recipe.getFileName().toString()).isEqualTo("listed.yaml");
    assertThat(Files.readString(recipe)).contains("epochs: 7");
    assertThat(ShippedRecipes.find("listed")).contains(recipe); // content-addressed: the same file again
    assertThat(ShippedRecipes.find("no_such_learner")).isEmpty();
  }

  @Test
  void aPluginWhoseNameCannotBeASettingsPrefixIsRefusedByName() {
    AbstractModule badName = new AbstractModule() {
      @Override
      protected void configure() {
        LearnerBindings.learners(binder()).addBinding("residual-coop").toInstance(PromptLearnerFactory.of(
            "residual-coop", "bad name", Record.class, c -> null));
      }
    };
    assertThatThrownBy(() -> LearnerRegistry.discover(badName))
        .hasRootCauseInstanceOf(InputException.class)
        .rootCause().hasMessage("learner plugin 'residual-coop': a learner's name is also its settings' key prefix"
            + " (learner.residual-coop.*), so it must be lower snake-case (letters, digits, single underscores;"
            + " e.g. 'residual_coop')");
  }
}
