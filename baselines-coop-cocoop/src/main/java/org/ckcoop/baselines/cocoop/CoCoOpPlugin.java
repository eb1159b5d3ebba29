package org.ckcoop.baselines.cocoop;

import com.google.inject.AbstractModule;
import org.ckcoop.core.plugin.LearnerBindings;
import org.ckcoop.core.plugin.LearnerPlugin;

/** Registers CoCoOp as {@code cocoop}. */
public final class CoCoOpPlugin extends AbstractModule implements LearnerPlugin {
  @Override
  protected void configure() {
    LearnerBindings.learners(binder()).addBinding(CoCoOpFactory.NAME).to(CoCoOpFactory.class);
  }
}
