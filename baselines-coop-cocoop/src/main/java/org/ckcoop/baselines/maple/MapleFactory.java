package org.ckcoop.baselines.maple;

import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.learner.PromptLearnerFactory;

/** Creates {@link MapleLearner}s under the name {@code maple}. */
public final class MapleFactory implements PromptLearnerFactory {
  /** The learner's name. */
  public static final String NAME = "maple";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "MaPLe: deep text prompts in both towers, vision prompts coupled to them by linear layers";
  }

  @Override
  public Class<? extends Record> settingsType() {
    return MapleSettings.class;
  }

  @Override
  public PromptLearner create(LearnerContext context) {
    return new MapleLearner(context);
  }
}
