package org.ckcoop.baselines.ivlp;

import com.google.inject.AbstractModule;
import org.ckcoop.core.learner.PromptLearnerFactory;
import org.ckcoop.core.plugin.LearnerBindings;
import org.ckcoop.core.plugin.LearnerPlugin;

/** Registers Ivlp as {@code ivlp}. */
public final class IvlpPlugin extends AbstractModule implements LearnerPlugin {
  /** The learner's name. */
  public static final String NAME = "ivlp";

  @Override
  protected void configure() {
    LearnerBindings.learners(binder()).addBinding(NAME).toInstance(PromptLearnerFactory.of(NAME,
        "IVLP: independent deep prompts in the text and the vision tower",
        IvlpSettings.class, IvlpLearner::new));
  }
}
