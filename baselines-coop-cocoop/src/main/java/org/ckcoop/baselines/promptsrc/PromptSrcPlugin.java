package org.ckcoop.baselines.promptsrc;

import com.google.inject.AbstractModule;
import org.ckcoop.core.learner.PromptLearnerFactory;
import org.ckcoop.core.plugin.LearnerBindings;
import org.ckcoop.core.plugin.LearnerPlugin;

/** Registers PromptSRC as {@code promptsrc}. */
public final class PromptSrcPlugin extends AbstractModule implements LearnerPlugin {
  /** The learner's name. */
  public static final String NAME = "promptsrc";

  @Override
  protected void configure() {
    LearnerBindings.learners(binder()).addBinding(NAME).toInstance(PromptLearnerFactory.of(NAME,
        "PromptSRC: IVLP's deep prompts regularised toward frozen CLIP (L1, KL), aggregated over epochs (GPA)",
        PromptSrcSettings.class, PromptSrcLearner::new));
  }
}
