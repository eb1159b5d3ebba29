package org.ckcoop.baselines.ivlp;

import com.google.inject.AbstractModule;
import org.ckcoop.core.plugin.LearnerBindings;
import org.ckcoop.core.plugin.LearnerPlugin;

/** Registers IVLP as {@code ivlp}. */
public final class IvlpPlugin extends AbstractModule implements LearnerPlugin {
  @Override
  protected void configure() {
    LearnerBindings.learners(binder()).addBinding(IvlpFactory.NAME).to(IvlpFactory.class);
  }
}
