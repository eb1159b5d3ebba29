package org.ckcoop.baselines.prograd;

import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.learner.PromptLearnerFactory;

/** Creates {@link ProGradLearner}s under the name {@code prograd}. */
public final class ProGradFactory implements PromptLearnerFactory {
  /** The learner's name. */
  public static final String NAME = "prograd";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "ProGrad: CoOp's context; the CE gradient is projected off the zero-shot KL gradient when they conflict";
  }

  @Override
  public Class<? extends Record> settingsType() {
    return ProGradSettings.class;
  }

  @Override
  public PromptLearner create(LearnerContext context) {
    return new ProGradLearner(context);
  }
}
