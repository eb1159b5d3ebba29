package org.ckcoop.baselines.prograd;

import com.google.inject.AbstractModule;
import org.ckcoop.core.learner.PromptLearnerFactory;
import org.ckcoop.core.plugin.LearnerBindings;
import org.ckcoop.core.plugin.LearnerPlugin;

/** Registers ProGrad as {@code prograd}. */
public final class ProGradPlugin extends AbstractModule implements LearnerPlugin {
  /** The learner's name. */
  public static final String NAME = "prograd";

  @Override
  protected void configure() {
    LearnerBindings.learners(binder()).addBinding(NAME).toInstance(PromptLearnerFactory.of(NAME,
        "ProGrad: CoOp's context; the CE gradient is projected off the zero-shot KL gradient when they conflict",
        ProGradSettings.class, ProGradLearner::new));
  }
}
