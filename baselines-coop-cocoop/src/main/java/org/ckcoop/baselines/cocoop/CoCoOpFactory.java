package org.ckcoop.baselines.cocoop;

import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.learner.PromptLearnerFactory;

/** Creates {@link CoCoOpLearner}s under the name {@code cocoop}. */
public final class CoCoOpFactory implements PromptLearnerFactory {
  /** The learner's name. */
  public static final String NAME = "cocoop";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "CoCoOp: CoOp's context shifted per image by a meta-net on the normalised image feature";
  }

  @Override
  public Class<? extends Record> settingsType() {
    return CoCoOpSettings.class;
  }

  @Override
  public PromptLearner create(LearnerContext context) {
    return new CoCoOpLearner(context);
  }
}
