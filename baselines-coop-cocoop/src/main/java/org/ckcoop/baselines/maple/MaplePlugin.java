package org.ckcoop.baselines.maple;

import com.google.inject.AbstractModule;
import org.ckcoop.core.learner.PromptLearnerFactory;
import org.ckcoop.core.plugin.LearnerBindings;
import org.ckcoop.core.plugin.LearnerPlugin;

/** Registers Maple as {@code maple}. */
public final class MaplePlugin extends AbstractModule implements LearnerPlugin {
  /** The learner's name. */
  public static final String NAME = "maple";

  @Override
  protected void configure() {
    LearnerBindings.learners(binder()).addBinding(NAME).toInstance(PromptLearnerFactory.of(NAME,
        "MaPLe: deep text prompts in both towers, vision prompts coupled to them by linear layers",
        MapleSettings.class, MapleLearner::new));
  }
}
