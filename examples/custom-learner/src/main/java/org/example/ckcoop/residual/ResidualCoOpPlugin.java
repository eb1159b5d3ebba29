package org.example.ckcoop.residual;

import com.google.inject.AbstractModule;
import org.ckcoop.core.learner.PromptLearnerFactory;
import org.ckcoop.core.plugin.LearnerBindings;
import org.ckcoop.core.plugin.LearnerPlugin;

/** Registers residual CoOp as {@code residual_coop}. */
public final class ResidualCoOpPlugin extends AbstractModule implements LearnerPlugin {
  /** The learner's name. */
  public static final String NAME = "residual_coop";

  @Override
  protected void configure() {
    LearnerBindings.learners(binder()).addBinding(NAME).toInstance(PromptLearnerFactory.of(NAME,
        "example plugin: the hand-crafted context plus a learned residual",
        ResidualSettings.class, ResidualCoOpLearner::new));
  }
}
