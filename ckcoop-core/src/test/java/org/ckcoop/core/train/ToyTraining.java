package org.ckcoop.core.train;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.core.fixture.ToySettings;
import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.learner.text.TextPromptLearner;
import org.ckcoop.core.plugin.LearnerRegistry;
import org.ckcoop.core.prompt.ClassTokenPosition;

/** A small, fully determined training problem for the trainer tests. */
final class ToyTraining {
  static final List<String> CLASSES = List.of("red circle", "blue square", "green star");

  private ToyTraining() {}

  /** Image features: each class's hand-written prompt feature plus noise, {@code perClass} each. */
  static CachedFeatures data(ClipBackbone backbone, int perClass, long seed) {
    int embed = backbone.architecture().embedDim();
    float[] prompts;
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      prompts = backbone.encodeTokens(backbone.tokenize(m,
          CLASSES.stream().map(c -> "a photo of a " + c + ".").toList())).toFloatArray();
    }
    SplittableRandom random = new SplittableRandom(seed);
    int n = perClass * CLASSES.size();
    float[] features = new float[n * embed];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % CLASSES.size();
      for (int j = 0; j < embed; j++) {
        features[i * embed + j] = prompts[labels[i] * embed + j] + (float) (2.0 * random.nextGaussian());
      }
    }
    return new CachedFeatures(features, labels, embed);
  }

  static TextPromptLearner learner(ClipBackbone backbone, long seed) {
    return (TextPromptLearner) LearnerRegistry.discover().factory("toy").create(new LearnerContext(backbone, CLASSES,
        new ToySettings(4, 0.02, ClassTokenPosition.END), LearnerContext.DEFAULT_TEMPLATE, seed));
  }

  static RunProvenance provenance(ClipBackbone backbone, TrainingData data, long seed, String configHash) {
    Map<String, String> config = new TreeMap<>(Map.of("learner.name", "toy", "learner.toy.n_ctx", "4",
        "train.seed", Long.toString(seed)));
    return new RunProvenance("toy", new TreeMap<>(config), configHash, backbone.identity(), data.identity(), seed,
        RunProvenance.currentVersions());
  }

  static LearnerTrainer.Job job(PromptLearner learner, ClipBackbone backbone, TrainingData data, Path run,
      long seed, boolean resume, List<TrainingListener> listeners) {
    return new LearnerTrainer.Job(learner, backbone, data, run, provenance(backbone, data, seed, "config-" + seed),
        resume, listeners);
  }

  static OptimSettings optim(double lr) {
    OptimSettings c = OptimSettings.coop();
    return new OptimSettings(c.name(), lr, c.momentum(), c.weightDecay(), c.beta1(), c.beta2(), c.eps(),
        c.schedule(), c.warmupEpochs(), c.warmupType(), c.warmupLr());
  }
}
