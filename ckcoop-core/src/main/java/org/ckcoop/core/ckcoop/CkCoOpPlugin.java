package org.ckcoop.core.ckcoop;

import com.google.inject.AbstractModule;
import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.learner.PromptLearnerFactory;
import org.ckcoop.core.plugin.LearnerBindings;
import org.ckcoop.core.plugin.LearnerPlugin;

/** Registers CK-CoOp under the name {@code ckcoop}. */
public final class CkCoOpPlugin extends AbstractModule implements LearnerPlugin {
  @Override
  protected void configure() {
    LearnerBindings.learners(binder()).addBinding("ckcoop").to(Factory.class);
  }

  /** Builds CK-CoOp learners with the dictionaries of the configured cache folder. */
  public static final class Factory implements PromptLearnerFactory {
    @Override
    public String name() {
      return "ckcoop";
    }

    @Override
    public String description() {
      return "CK-CoOp: context = learnable combinations of k-means token-embedding bases + a Kronecker part"
          + " (defaults: 1,184 learnable parameters at width 512)";
    }

    @Override
    public Class<? extends Record> settingsType() {
      return CkCoOpSettings.class;
    }

    @Override
    public PromptLearner create(LearnerContext context) {
      return new CkCoOpLearner(context, DictionaryStore.in(context.cacheDirectory()));
    }
  }
}
