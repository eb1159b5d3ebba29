package org.ckcoop.core.run;

import java.util.ArrayList;
import java.util.List;
import org.ckcoop.core.config.ConfigSchema;
import org.ckcoop.core.config.ConfigSection;
import org.ckcoop.core.learner.PromptLearnerFactory;
import org.ckcoop.core.plugin.LearnerRegistry;
import org.ckcoop.core.train.OptimSettings;
import org.ckcoop.core.train.TrainSettings;

/** The config sections core defines, and the schema of every key a run may set. */
public final class CoreSettings {
  /** {@code learner.name}. */
  public static final ConfigSection<LearnerSelection> LEARNER =
      ConfigSection.of("learner", LearnerSelection.class, "which learner a run uses");
  /** {@code optim.*}. */
  public static final ConfigSection<OptimSettings> OPTIM =
      ConfigSection.of("optim", OptimSettings.class, "the optimiser and learning-rate schedule (CoOp's recipe by default)");
  /** {@code train.*}. */
  public static final ConfigSection<TrainSettings> TRAIN =
      ConfigSection.of("train", TrainSettings.class, "epochs, batches and the training seed");

  private CoreSettings() {}

  /** Returns the section {@code learner.<name>.*} of a learner. */
  public static ConfigSection<? extends Record> learnerSection(PromptLearnerFactory factory) {
    return section("learner." + factory.name(), factory.settingsType(), factory.description());
  }

  private static <R extends Record> ConfigSection<R> section(String prefix, Class<R> type, String description) {
    return ConfigSection.of(prefix, type, description);
  }

  /**
   * Returns the schema of every known key: core's sections, every discovered learner's section and
   * {@code extra} sections (datasets, protocols).
   */
  public static ConfigSchema schema(LearnerRegistry registry, ConfigSection<?>... extra) {
    List<ConfigSection<?>> sections = new ArrayList<>(List.of(LEARNER, OPTIM, TRAIN));
    for (String name : registry.names()) {
      sections.add(learnerSection(registry.factory(name)));
    }
    sections.addAll(List.of(extra));
    return ConfigSchema.of(sections);
  }
}
