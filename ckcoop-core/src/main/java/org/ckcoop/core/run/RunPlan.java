package org.ckcoop.core.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.InputException;
import org.ckcoop.core.classify.Accuracy;
import org.ckcoop.core.classify.PromptClassifier;
import org.ckcoop.core.config.ConfigSection;
import org.ckcoop.core.config.LayeredConfig;
import org.ckcoop.core.config.ResolvedConfig;
import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.learner.PromptLearnerFactory;
import org.ckcoop.core.plugin.LearnerRegistry;
import org.ckcoop.core.train.LearnerTrainer;
import org.ckcoop.core.train.OptimSettings;
import org.ckcoop.core.train.RunProvenance;
import org.ckcoop.core.train.TrainSettings;
import org.ckcoop.core.train.TrainingData;
import org.ckcoop.core.train.TrainingListener;
import org.ckcoop.core.train.TrainingResult;

/**
 * A run's bound configuration: the chosen learner's factory and typed settings, the optimiser and
 * training settings, and the resolved config (every value, its source and the hash that identifies
 * the run). Building it validates the whole config; nothing is trained yet.
 *
 * @param factory the chosen learner's factory
 * @param learnerSettings the learner's typed settings
 * @param optim the optimiser settings
 * @param train the training settings
 * @param resolved the resolved config of the run's sections
 */
public record RunPlan(
    PromptLearnerFactory factory,
    Record learnerSettings,
    OptimSettings optim,
    TrainSettings train,
    ResolvedConfig resolved) {
  /** The file in a run folder that holds the run's resolved config (every key, defaults included). */
  public static final String RESOLVED_CONFIG = "resolved-config.properties";

  /**
   * Binds a config.
   *
   * @param extra further sections that belong to the run's identity (dataset, protocol)
   * @throws InputException naming the key when the learner is unknown or a value is invalid
   */
  public static RunPlan from(LayeredConfig config, LearnerRegistry registry, ConfigSection<?>... extra) {
    String name = config.bind(CoreSettings.LEARNER).name();
    if (name.isBlank()) {
      throw new InputException("learner.name", "not set (known learners: " + String.join(", ", registry.names()) + ")");
    }
    PromptLearnerFactory factory = registry.factory(name);
    ConfigSection<? extends Record> learnerSection = CoreSettings.learnerSection(factory);
    List<ConfigSection<?>> sections = new ArrayList<>(List.of(CoreSettings.LEARNER, learnerSection, CoreSettings.OPTIM, CoreSettings.TRAIN));
    sections.addAll(List.of(extra));
    return new RunPlan(factory, config.bind(learnerSection), config.bind(CoreSettings.OPTIM),
        config.bind(CoreSettings.TRAIN), config.resolve(sections));
  }

  /** Builds the learner for these class names (initialised from {@code train.seed}). */
  public PromptLearner newLearner(ClipBackbone backbone, List<String> classNames, String template) {
    return newLearner(backbone, classNames, template, null);
  }

  /**
   * As {@link #newLearner(ClipBackbone, List, String)}, with the study's cache folder for what the
   * learner caches across runs (null: the default, see {@link LearnerContext#cacheDirectory()}).
   */
  public PromptLearner newLearner(ClipBackbone backbone, List<String> classNames, String template, Path cache) {
    return factory.create(new LearnerContext(backbone, classNames, learnerSettings, template, train.seed(), cache));
  }

  /**
   * Returns the run's provenance, the one builder of it: this plan's learner, resolved config and its
   * hash, seed and the software versions, with the backbone's identity and the identity of the split
   * the run trains on ({@code splitIdentity}: the SHA-256 of the split file, see
   * {@link RunProvenance#dataIdentity()}).
   */
  public RunProvenance provenance(ClipBackbone backbone, String splitIdentity) {
    return new RunProvenance(factory.name(), resolved.values(), resolved.hash(), backbone.identity(), splitIdentity,
        train.seed(), RunProvenance.currentVersions());
  }

  /** Writes the resolved config into a run folder as {@value #RESOLVED_CONFIG} and returns the file. */
  public Path writeResolvedConfig(Path runDirectory) {
    Path file = runDirectory.resolve(RESOLVED_CONFIG);
    resolved.write(file);
    return file;
  }

  /**
   * Trains {@code learner} with this plan's recipe into {@code runDirectory} (resuming from its
   * checkpoint when asked), writing the resolved config beside the checkpoints as
   * {@value #RESOLVED_CONFIG}.
   *
   * @param provenance the run's provenance, from {@link #provenance(ClipBackbone, String)}
   */
  public TrainingResult train(PromptLearner learner, ClipBackbone backbone, TrainingData data, RunProvenance provenance,
      Path runDirectory, boolean resume, List<TrainingListener> listeners) {
    LearnerTrainer trainer = new LearnerTrainer(optim, train);
    TrainingResult result = trainer.train(new LearnerTrainer.Job(learner, backbone, data, runDirectory,
        provenance, resume, listeners));
    writeResolvedConfig(runDirectory);
    return result;
  }

  /** Classifies cached features [N, E] with the learner and returns the accuracies. */
  public Accuracy evaluate(PromptLearner learner, ClipBackbone backbone, float[] features, int[] labels) {
    float[] logits = PromptClassifier.logits(learner, backbone, features, labels.length, train.evalBatchSize());
    return Accuracy.of(logits, labels, learner.classNames().size());
  }
}
