package org.ckcoop.baselines.coop;

import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.learner.PromptLearnerFactory;

/** Creates {@link CoOpLearner}s under the name {@code coop}. */
public final class CoOpFactory implements PromptLearnerFactory {
  /** The learner's name. */
  public static final String NAME = "coop";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "CoOp: a learned context (shared or class-specific) before, around or after the class name";
  }

  @Override
  public Class<? extends Record> settingsType() {
    return CoOpSettings.class;
  }

  @Override
  public PromptLearner create(LearnerContext context) {
    return new CoOpLearner(context);
  }
}
