package org.ckcoop.core.learner;

/**
 * Creates one kind of prompt learner. A plugin binds its factory under {@link #name()}; nothing is
 * built until the factory is chosen by {@code learner.name}.
 */
public interface PromptLearnerFactory {

  /** Returns the learner's name, the value of {@code learner.name} that selects it. */
  String name();

  /** Returns a one-line description for {@code ckcoop learners}. */
  String description();

  /**
   * Returns the record type of the learner's settings, bound from {@code learner.<name>.*}; its
   * components carry {@code @Setting} annotations with defaults and ranges.
   */
  Class<? extends Record> settingsType();

  /** Builds a learner; {@code context.settings()} is an instance of {@link #settingsType()}. */
  PromptLearner create(LearnerContext context);

  /**
   * Returns a factory from its parts, so that a plugin needs no factory class of its own:
   * {@code addBinding(NAME).toInstance(PromptLearnerFactory.of(NAME, "...", MySettings.class, MyLearner::new))}.
   */
  static PromptLearnerFactory of(String name, String description, Class<? extends Record> settingsType,
      java.util.function.Function<LearnerContext, PromptLearner> constructor) {
    return new PromptLearnerFactory() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String description() {
        return description;
      }

      @Override
      public Class<? extends Record> settingsType() {
        return settingsType;
      }

      @Override
      public PromptLearner create(LearnerContext context) {
        return constructor.apply(context);
      }
    };
  }
}
