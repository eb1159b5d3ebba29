package org.ckcoop.core.plugin;

import com.google.inject.Guice;
import com.google.inject.Inject;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.TreeSet;
import org.ckcoop.common.InputException;
import org.ckcoop.core.learner.PromptLearnerFactory;

/**
 * Every learner available on the class path, by name (the value of {@code learner.name}). An
 * unknown name fails with the list of known ones. Factories are built only when chosen.
 */
public final class LearnerRegistry {
  private final Map<String, Provider<PromptLearnerFactory>> factories;

  /** Created by Guice from the plugins' bindings. */
  @Inject
  public LearnerRegistry(Map<String, Provider<PromptLearnerFactory>> factories) {
    for (String name : factories.keySet()) {
      if (!name.matches("[a-z][a-z0-9]*(_[a-z0-9]+)*")) {
        throw new InputException("learner plugin '" + name + "'", "a learner's name is also its settings' key"
            + " prefix (learner." + name + ".*), so it must be lower snake-case (letters, digits, single"
            + " underscores; e.g. '" + name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "_") + "')");
      }
    }
    this.factories = new TreeMap<>(factories);
  }

  /**
   * Discovers every {@link LearnerPlugin} with {@link ServiceLoader} and returns the registry of an
   * injector built from them (plus {@code extra} modules, e.g. for tests).
   */
  public static LearnerRegistry discover(Module... extra) {
    return injector(extra).getInstance(LearnerRegistry.class);
  }

  /** Returns an injector of every discovered plugin plus {@code extra} modules. */
  public static Injector injector(Module... extra) {
    List<Module> modules = new ArrayList<>();
    modules.add(binder -> LearnerBindings.learners(binder)); // the map exists even without plugins
    ServiceLoader.load(LearnerPlugin.class).forEach(modules::add);
    modules.addAll(List.of(extra));
    return Guice.createInjector(modules);
  }

  /** Returns the known learner names, sorted. */
  public List<String> names() {
    return List.copyOf(new TreeSet<>(factories.keySet()));
  }

  /**
   * Returns the factory of the named learner.
   *
   * @throws InputException listing the known names when there is no such learner
   */
  public PromptLearnerFactory factory(String name) {
    Provider<PromptLearnerFactory> provider = factories.get(name);
    if (provider == null) {
      throw new InputException("learner.name", "unknown learner '" + name + "' (known: "
          + String.join(", ", names()) + ")");
    }
    PromptLearnerFactory factory = provider.get();
    if (!factory.name().equals(name)) {
      throw new IllegalStateException("the factory bound as '" + name + "' calls itself '" + factory.name() + "'");
    }
    return factory;
  }
}
