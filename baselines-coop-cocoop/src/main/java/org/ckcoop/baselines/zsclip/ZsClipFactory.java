package org.ckcoop.baselines.zsclip;

import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.learner.PromptLearnerFactory;

/** Creates {@link ZsClipLearner}s under the name {@code zsclip}. */
public final class ZsClipFactory implements PromptLearnerFactory {
  /** The learner's name. */
  public static final String NAME = "zsclip";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "zero-shot CLIP: the dataset's hand-crafted template (or a template ensemble), nothing to train";
  }

  @Override
  public Class<? extends Record> settingsType() {
    return ZsClipSettings.class;
  }

  @Override
  public PromptLearner create(LearnerContext context) {
    return new ZsClipLearner(context);
  }
}
