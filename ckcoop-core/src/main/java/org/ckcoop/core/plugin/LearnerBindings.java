package org.ckcoop.core.plugin;

import com.google.inject.Binder;
import com.google.inject.multibindings.MapBinder;
import org.ckcoop.core.learner.PromptLearnerFactory;

/** The binding point plugins register their learner factories with, keyed by learner name. */
public final class LearnerBindings {
  private LearnerBindings() {}

  /**
   * Returns the map binder of learner factories; a plugin adds itself with
   * {@code LearnerBindings.learners(binder()).addBinding("coop").to(CoOpFactory.class)}. Two plugins
   * claiming the same name fail when the injector is created.
   */
  public static MapBinder<String, PromptLearnerFactory> learners(Binder binder) {
    return MapBinder.newMapBinder(binder, String.class, PromptLearnerFactory.class);
  }
}
