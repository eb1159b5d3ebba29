package org.ckcoop.baselines.linearprobe;

import com.google.inject.AbstractModule;
import org.ckcoop.core.learner.PromptLearnerFactory;
import org.ckcoop.core.plugin.LearnerBindings;
import org.ckcoop.core.plugin.LearnerPlugin;

/** Registers linear-probe CLIP as {@code linear_probe}. */
public final class LinearProbePlugin extends AbstractModule implements LearnerPlugin {
  /** The learner's name. */
  public static final String NAME = "linear_probe";

  @Override
  protected void configure() {
    LearnerBindings.learners(binder()).addBinding(NAME).toInstance(PromptLearnerFactory.of(NAME,
        "linear-probe CLIP (CoOp's lpclip): L-BFGS logistic regression on the frozen image features, C chosen on"
            + " the validation split; few-shot only (no weights for unseen classes)",
        LinearProbeSettings.class, LinearProbeLearner::new));
  }
}
