package org.ckcoop.baselines.coop;

import com.google.inject.AbstractModule;
import org.ckcoop.core.plugin.LearnerBindings;
import org.ckcoop.core.plugin.LearnerPlugin;

/** Registers CoOp as {@code coop}. */
public final class CoOpPlugin extends AbstractModule implements LearnerPlugin {
  @Override
  protected void configure() {
    LearnerBindings.learners(binder()).addBinding(CoOpFactory.NAME).to(CoOpFactory.class);
  }
}
