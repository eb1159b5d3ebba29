package org.ckcoop.baselines.prograd;

import com.google.inject.AbstractModule;
import org.ckcoop.core.plugin.LearnerBindings;
import org.ckcoop.core.plugin.LearnerPlugin;

/** Registers ProGrad as {@code prograd}. */
public final class ProGradPlugin extends AbstractModule implements LearnerPlugin {
  @Override
  protected void configure() {
    LearnerBindings.learners(binder()).addBinding(ProGradFactory.NAME).to(ProGradFactory.class);
  }
}
