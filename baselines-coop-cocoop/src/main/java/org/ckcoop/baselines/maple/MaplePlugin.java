package org.ckcoop.baselines.maple;

import com.google.inject.AbstractModule;
import org.ckcoop.core.plugin.LearnerBindings;
import org.ckcoop.core.plugin.LearnerPlugin;

/** Registers MaPLe as {@code maple}. */
public final class MaplePlugin extends AbstractModule implements LearnerPlugin {
  @Override
  protected void configure() {
    LearnerBindings.learners(binder()).addBinding(MapleFactory.NAME).to(MapleFactory.class);
  }
}
