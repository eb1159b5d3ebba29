package org.ckcoop.baselines.zsclip;

import com.google.inject.AbstractModule;
import org.ckcoop.core.plugin.LearnerBindings;
import org.ckcoop.core.plugin.LearnerPlugin;

/** Registers zero-shot CLIP as {@code zsclip}. */
public final class ZsClipPlugin extends AbstractModule implements LearnerPlugin {
  @Override
  protected void configure() {
    LearnerBindings.learners(binder()).addBinding(ZsClipFactory.NAME).to(ZsClipFactory.class);
  }
}
