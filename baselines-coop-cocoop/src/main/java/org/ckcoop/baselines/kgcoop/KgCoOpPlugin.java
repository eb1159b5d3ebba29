package org.ckcoop.baselines.kgcoop;

import com.google.inject.AbstractModule;
import org.ckcoop.core.plugin.LearnerBindings;
import org.ckcoop.core.plugin.LearnerPlugin;

/** Registers KgCoOp as {@code kgcoop}. */
public final class KgCoOpPlugin extends AbstractModule implements LearnerPlugin {
  @Override
  protected void configure() {
    LearnerBindings.learners(binder()).addBinding(KgCoOpFactory.NAME).to(KgCoOpFactory.class);
  }
}
