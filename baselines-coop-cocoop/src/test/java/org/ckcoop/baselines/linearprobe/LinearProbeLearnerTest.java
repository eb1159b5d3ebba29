package org.ckcoop.baselines.linearprobe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.baselines.fixture.TinyBackbones;
import org.ckcoop.baselines.fixture.ToyProblem;
import org.ckcoop.common.InputException;
import org.ckcoop.core.classify.PromptClassifier;
import org.ckcoop.core.config.LayeredConfig;
import org.ckcoop.core.learner.LearnerStateFile;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.plugin.LearnerRegistry;
import org.ckcoop.core.run.CoreSettings;
import org.ckcoop.core.run.RunPlan;
import org.ckcoop.core.train.CachedFeatures;
import org.ckcoop.core.train.FitReport;
import org.ckcoop.core.train.LearnerTrainer;
import org.ckcoop.core.train.TrainingResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The linear probe through the plugin registry and the real trainer on a tiny random backbone: the fit
 * through {@code DirectFit}, the C search on the validation examples, the run folder's files, resume
 * without a second fit, the state round trip, and the class rules (a subset or reordering only).
 */
class LinearProbeLearnerTest {
  static final String TEMPLATE = "a photo of a {}.";
  static final List<String> CLASSES = List.of("red circle", "blue square", "green star", "yellow heart");
  static ClipBackbone tiny;
  static CachedFeatures train;
  static CachedFeatures val;
  static CachedFeatures test;
  @TempDir Path dir;

  @BeforeAll
  static void load() {
    tiny = TinyBackbones.tiny(11);
    // features: each class's text feature of "a sketch of a <class>." plus noise (ToyProblem)
    train = ToyProblem.data(tiny, CLASSES, 4, 1.5, 5);
    val = ToyProblem.data(tiny, CLASSES, 4, 1.5, 6);
    test = ToyProblem.data(tiny, CLASSES, 10, 1.5, 7);
  }

  @AfterAll
  static void close() {
    tiny.close();
  }

  static RunPlan plan(String... overrides) {
    LearnerRegistry registry = LearnerRegistry.discover();
    Path recipe = Path.of(System.getProperty("ckcoop.repo.dir", "..")).resolve("configs/learners/linear_probe.yaml");
    LayeredConfig.Builder builder = LayeredConfig.builder(CoreSettings.schema(registry)).learnerFile(recipe);
    for (String o : overrides) {
      builder.override(o);
    }
    return RunPlan.from(builder.build(), registry);
  }

  @Test
  void theShippedRecipeIsLpclipsAndBindsWithNoUnusedKey() {
    RunPlan plan = plan();
    assertThat(plan.factory().name()).isEqualTo("linear_probe");
    assertThat(plan.learnerSettings()).isEqualTo(LinearProbeSettings.lpclip());
    assertThat(plan.resolved().unusedKeys()).isEmpty();
    assertThat(LearnerRegistry.discover().factory("linear_probe").description()).contains("few-shot");
    RunPlan defaults = RunPlan.from(LayeredConfig.builder(CoreSettings.schema(LearnerRegistry.discover()))
        .override("learner.name=linear_probe").build(), LearnerRegistry.discover());
    assertThat(defaults.learnerSettings()).isEqualTo(LinearProbeSettings.lpclip());
  }

  @Test
  void fitsThroughTheTrainerWithTheSearchAndResumesWithoutFittingAgain() throws Exception {
    RunPlan plan = plan();
    Path run = dir.resolve("run");
    CachedFeatures data = train.withValidation(val);
    float[] expectedWeight;
    float[] logits;
    TrainingResult result;
    try (PromptLearner learner = plan.newLearner(tiny, CLASSES, TEMPLATE)) {
      assertThat(learner.trainableParameters()).isEmpty();
      assertThat(learner.learnableParameterCount()).isEqualTo(4 * 65);
      assertThat(learner.transfersToOtherClasses()).isFalse();
      result = plan.train(learner, tiny, data, plan.provenance(tiny, "toy-split"), run, false, List.of());
      expectedWeight = ((LinearProbeLearner) learner).weight();
      logits = PromptClassifier.logits(learner, tiny, ToyProblem.features(test), test.size(), 7);
    }
    // the same search run directly on the same features gives the learner's C and weights
    float[] x = ToyProblem.features(train);
    int[] y = ToyProblem.labels(train);
    float[] vx = ToyProblem.features(val);
    int[] vy = ToyProblem.labels(val);
    LinearProbeSettings s = LinearProbeSettings.lpclip();
    CSearch.Result<LogisticRegression.Fit> direct = CSearch.run(s.cGrid(), s.searchSteps(),
        c -> LogisticRegression.fit(x, y, 4, c, LogisticRegression.Scale.SUM, s.lossScale().options(1e-4, 1000)),
        f -> f.correct(vx, vy), vy.length);
    for (int i = 0; i < expectedWeight.length; i++) {
      assertThat(expectedWeight[i]).isEqualTo((float) direct.fit().weight()[i]);
    }
    assertThat(direct.trace()).hasSize(7 + 2 * 8);

    // one history entry, the run folder's files, the chosen C in the metrics and fit.json
    assertThat(result.history()).hasSize(1);
    assertThat(result.epochs()).isEqualTo(1);
    assertThat(result.history().get(0).steps()).isEqualTo(direct.fit().solver().iterations());
    assertThat(result.finalLoss()).isCloseTo(direct.fit().objective(), within(1e-12));
    for (String file : List.of("checkpoint.safetensors", "learner-state.safetensors", "train.log", "metrics.jsonl",
        "resolved-config.properties", LearnerTrainer.FIT_REPORT)) {
      assertThat(run.resolve(file)).isRegularFile();
    }
    assertThat(result.metrics()).containsEntry("c", direct.c());
    ObjectMapper json = new ObjectMapper();
    List<String> metrics = Files.readAllLines(run.resolve("metrics.jsonl"));
    assertThat(metrics).hasSize(1);
    JsonNode line = json.readTree(metrics.get(0));
    assertThat(line.get("fit").get("c").asDouble()).isEqualTo(direct.c());
    assertThat(line.get("fit").get("c_peak").asDouble()).isEqualTo(direct.peak());
    assertThat(line.get("fit").get("val_accuracy").asDouble()).isCloseTo(100 * direct.accuracy(), within(1e-9));
    assertThat(line.get("fit").get("converged").asDouble()).isEqualTo(1.0);
    FitReport report = json.readValue(run.resolve(LearnerTrainer.FIT_REPORT).toFile(), FitReport.class);
    assertThat(report.metrics()).containsEntry("c", direct.c()).containsEntry("fits", (double) direct.fits());
    assertThat(report.log()).hasSize(direct.trace().size() + 1);
    assertThat(Files.readString(run.resolve("train.log"))).contains("C search (grid): C 1000000.0")
        .contains("chosen C " + direct.c());
    // a probe that learned something: well above chance (25%) on held-out examples
    assertThat(org.ckcoop.core.classify.Accuracy.of(logits, ToyProblem.labels(test), 4).top1()).isGreaterThan(50);

    // resuming a finished fit reads the checkpoint and fits nothing
    String log = Files.readString(run.resolve("train.log"));
    try (PromptLearner again = plan.newLearner(tiny, CLASSES, TEMPLATE)) {
      TrainingResult resumed = plan.train(again, tiny, data, plan.provenance(tiny, "toy-split"), run, true, List.of());
      assertThat(resumed.resumed()).isTrue();
      assertThat(resumed.history()).isEqualTo(result.history());
      assertThat(((LinearProbeLearner) again).weight()).containsExactly(expectedWeight);
    }
    assertThat(Files.readString(run.resolve("train.log")).substring(log.length())).contains("resumed")
        .doesNotContain("C search");
    try (PromptLearner other = plan.newLearner(tiny, CLASSES, TEMPLATE)) {
      assertThatThrownBy(() -> plan.train(other, tiny, data, plan.provenance(tiny, "toy-split"), run, false, List.of())).isInstanceOf(InputException.class)
          .hasMessageContaining("already holds a checkpoint");
    }

    // the state file predicts the same logits in a fresh learner (what predict and transfer do)
    LearnerStateFile state = LearnerStateFile.read(result.stateFile());
    assertThat(state.learner()).isEqualTo("linear_probe");
    assertThat(state.classNames()).isEqualTo(CLASSES);
    assertThat(state.tensors()).containsOnlyKeys("weight", "bias");
    try (PromptLearner fresh = plan.newLearner(tiny, CLASSES, TEMPLATE)) {
      fresh.loadState(state.tensors());
      assertThat(PromptClassifier.logits(fresh, tiny, ToyProblem.features(test), test.size(), 5)).containsExactly(logits);
    }
    try (PromptLearner fewer = plan.newLearner(tiny, CLASSES.subList(0, 3), TEMPLATE)) {
      assertThatThrownBy(() -> fewer.loadState(state.tensors())).isInstanceOf(InputException.class)
          .hasMessageContaining("one weight row per class: 3 classes here");
    }
  }

  @Test
  void logitsAreTheAffineMapOfTheRawFeaturesAndClassesCanOnlyBeSelected() {
    try (PromptLearner learner = plan().newLearner(tiny, CLASSES, TEMPLATE)) {
      float[] w = new float[4 * 64];
      float[] b = {0.5f, -1f, 2f, 0.25f};
      java.util.SplittableRandom random = new java.util.SplittableRandom(2);
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) random.nextGaussian();
      }
      learner.loadState(Map.of("weight", new FloatTensor(new long[] {4, 64}, w), "bias",
          new FloatTensor(new long[] {4}, b)));
      float[] x = ToyProblem.features(test);
      float[] logits = PromptClassifier.logits(learner, tiny, x, test.size(), 6);
      for (int n = 0; n < test.size(); n++) {
        for (int k = 0; k < 4; k++) {
          double s = b[k];
          for (int j = 0; j < 64; j++) {
            s += (double) w[k * 64 + j] * x[n * 64 + j]; // the raw features: lpclip does not normalise
          }
          assertThat(logits[n * 4 + k]).isCloseTo((float) s, within(1e-4f * (float) Math.max(1, Math.abs(s))));
        }
      }
      learner.setClassNames(List.of("green star", "red circle"));
      float[] selected = PromptClassifier.logits(learner, tiny, x, test.size(), 6);
      for (int n = 0; n < test.size(); n++) {
        assertThat(selected[n * 2]).isEqualTo(logits[n * 4 + 2]);
        assertThat(selected[n * 2 + 1]).isEqualTo(logits[n * 4]);
      }
      assertThat(learner.stateTensors().get("weight").getShape().get(0)).isEqualTo(4); // the fitted rows stay
      assertThatThrownBy(() -> learner.setClassNames(List.of("red circle", "purple ring")))
          .isInstanceOf(InputException.class).hasMessageContaining("'purple ring' is not one of the 4 classes")
          .hasMessageContaining("few-shot");
    }
  }

  @Test
  void theSearchNeedsValidationExamplesAndAFixedCDoesNot() {
    Path run = dir.resolve("novalidation");
    try (PromptLearner learner = plan().newLearner(tiny, CLASSES, TEMPLATE)) {
      assertThatThrownBy(() -> plan().train(learner, tiny, train, plan().provenance(tiny, "toy-split"), run, false, List.of()))
          .isInstanceOf(InputException.class).hasMessageContaining("learner.linear_probe.c")
          .hasMessageContaining("no validation examples");
    }
    RunPlan fixed = plan("learner.linear_probe.c=0.5");
    try (PromptLearner learner = fixed.newLearner(tiny, CLASSES, TEMPLATE)) {
      TrainingResult result = fixed.train(learner, tiny, train, fixed.provenance(tiny, "toy-split"), dir.resolve("fixed"), false, List.of());
      LogisticRegression.Fit direct = LogisticRegression.fit(ToyProblem.features(train), ToyProblem.labels(train), 4,
          0.5, LogisticRegression.Scale.SUM, Lbfgs.Options.sklearnBefore14());
      assertThat(result.finalLoss()).isEqualTo(direct.objective());
      assertThat(((LinearProbeLearner) learner).bias()[1]).isEqualTo((float) direct.bias()[1]);
    }
  }

  @Test
  void twoClassesFitSklearnsBinaryModel() {
    List<String> two = CLASSES.subList(0, 2);
    CachedFeatures data = ToyProblem.data(tiny, two, 5, 1.5, 9);
    RunPlan fixed = plan("learner.linear_probe.c=2");
    try (PromptLearner learner = fixed.newLearner(tiny, two, TEMPLATE)) {
      FitReport report = ((LinearProbeLearner) learner).fit(data, null);
      float[] w = ((LinearProbeLearner) learner).weight();
      for (int j = 0; j < 64; j++) {
        assertThat(w[j]).isEqualTo(-w[64 + j]); // class 1 +w/2, class 0 -w/2
      }
      assertThat(report.metrics()).containsEntry("c", 2.0).doesNotContainKey("val_accuracy");
    }
  }
}
