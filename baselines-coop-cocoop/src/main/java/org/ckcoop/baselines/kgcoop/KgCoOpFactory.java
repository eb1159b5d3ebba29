package org.ckcoop.baselines.kgcoop;

import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.learner.PromptLearnerFactory;

/** Creates {@link KgCoOpLearner}s under the name {@code kgcoop}. */
public final class KgCoOpFactory implements PromptLearnerFactory {
  /** The learner's name. */
  public static final String NAME = "kgcoop";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "KgCoOp: CoOp plus w * (1 - cos) toward the hand-crafted CLIP class features";
  }

  @Override
  public Class<? extends Record> settingsType() {
    return KgCoOpSettings.class;
  }

  @Override
  public PromptLearner create(LearnerContext context) {
    return new KgCoOpLearner(context);
  }
}
