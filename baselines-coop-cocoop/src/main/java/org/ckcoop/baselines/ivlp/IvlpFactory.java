package org.ckcoop.baselines.ivlp;

import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.learner.PromptLearnerFactory;

/** Creates {@link IvlpLearner}s under the name {@code ivlp}. */
public final class IvlpFactory implements PromptLearnerFactory {
  /** The learner's name. */
  public static final String NAME = "ivlp";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "IVLP: independent deep prompts in the text and the vision tower";
  }

  @Override
  public Class<? extends Record> settingsType() {
    return IvlpSettings.class;
  }

  @Override
  public PromptLearner create(LearnerContext context) {
    return new IvlpLearner(context);
  }
}
