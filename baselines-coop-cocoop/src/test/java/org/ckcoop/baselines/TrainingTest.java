package org.ckcoop.baselines;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.baselines.cocoop.CoCoOpSettings;
import org.ckcoop.baselines.coop.CoOpSettings;
import org.ckcoop.baselines.fixture.TinyBackbones;
import org.ckcoop.baselines.fixture.ToyProblem;
import org.ckcoop.baselines.kgcoop.KgCoOpSettings;
import org.ckcoop.core.classify.PromptClassifier;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.prompt.ClassTokenPosition;
import org.ckcoop.core.train.CachedFeatures;
import org.ckcoop.core.train.EpochSummary;
import org.ckcoop.core.train.TrainSettings;
import org.ckcoop.core.train.TrainingListener;
import org.ckcoop.core.train.TrainingResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ckcoop.core.learner.text.TextPromptLearner;

/**
 * A few epochs of the core trainer on a tiny backbone: each learner lowers the loss, changes every one
 * of its own tensors and nothing of the backbone; KgCoOp's term is part of the trained loss.
 */
class TrainingTest {
  static ClipBackbone tiny;
  static CachedFeatures data;
  static final String TEMPLATE = "a photo of a {}.";
  static final TrainSettings RECIPE = new TrainSettings(6, 6, true, 1, 50);
  @TempDir Path dir;

  @BeforeAll
  static void load() {
    tiny = TinyBackbones.tiny(11);
    data = ToyProblem.data(tiny, ToyProblem.BASE, 12, 2.0, 5);
  }

  @AfterAll
  static void close() {
    tiny.close();
  }

  static Map<String, float[]> state(PromptLearner learner) {
    Map<String, float[]> out = new LinkedHashMap<>();
    learner.stateTensors().forEach((name, array) -> out.put(name, array.toFloatArray()));
    return out;
  }

  /** What a training run left: its result and the learner's final state. */
  record Trained(TrainingResult result, Map<String, float[]> state) {}

  private Trained trainAndCheck(String run, String name, Record settings, List<TrainingListener> listeners) {
    float[] table;
    float[] image;
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      table = tiny.tokenEmbeddingTable(m).toFloatArray();
      image = tiny.encodeImages(m.ones(new Shape(1, 3, 32, 32))).toFloatArray();
    }
    TrainingResult result;
    Map<String, float[]> trained;
    try (PromptLearner learner = ToyProblem.learner(name, tiny, ToyProblem.BASE, settings, TEMPLATE, 1)) {
      Map<String, float[]> initial = state(learner);
      NDManager own = learner.trainableParameters().values().iterator().next().getManager();
      int arrays = own.getManagedArrays().size();
      result = ToyProblem.train(name, learner, tiny, data, dir.resolve(run), ToyProblem.sgd(0.05), RECIPE, listeners);
      trained = state(learner);
      PromptClassifier.logits(learner, tiny, ToyProblem.features(data), data.size(), 8);
      // 36 steps and an evaluation attached nothing to the learner's own manager
      assertThat(own.getManagedArrays()).as(run + " learner arrays").hasSize(arrays);
      assertThat(trained.keySet()).isEqualTo(initial.keySet());
      initial.forEach((tensor, values) -> assertThat(trained.get(tensor)).as(run + " " + tensor).isNotEqualTo(values));
    }
    assertThat(result.history()).hasSize(6);
    assertThat(result.history().get(0).steps()).isEqualTo(6); // 36 examples, batch 6
    double first = result.history().get(0).loss();
    assertThat(result.finalLoss()).as(run + " losses " + losses(result)).isLessThan(first - 0.1);
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      assertThat(tiny.tokenEmbeddingTable(m).toFloatArray()).containsExactly(table);
      assertThat(tiny.encodeImages(m.ones(new Shape(1, 3, 32, 32))).toFloatArray()).containsExactly(image);
    }
    return new Trained(result, trained);
  }

  static List<Double> losses(TrainingResult result) {
    return result.history().stream().map(EpochSummary::loss).toList();
  }

  @Test
  void coopLowersTheLossAndChangesOnlyItsContext() {
    trainAndCheck("shared", "coop", new CoOpSettings(4, "", false, ClassTokenPosition.MIDDLE), List.of());
    trainAndCheck("csc", "coop", new CoOpSettings(2, "", true, ClassTokenPosition.END), List.of());
  }

  @Test
  void cocoopLowersTheLossAndChangesItsContextAndMetaNet() {
    trainAndCheck("cocoop", "cocoop", new CoCoOpSettings(4, "a photo of a"), List.of());
  }

  @Test
  void kgcoopTrainsWithItsTermAndStaysCloserToTheHandCraftedFeaturesThanCoOp() {
    List<Float> coopSteps = new ArrayList<>();
    List<Float> kgSteps = new ArrayList<>();
    Trained coop = trainAndCheck("coop", "coop", new CoOpSettings(4, "a photo of a", false, ClassTokenPosition.END),
        List.of(recorder(coopSteps)));
    Trained kg = trainAndCheck("kgcoop", "kgcoop", new KgCoOpSettings(4, "a photo of a", 8.0), List.of(recorder(kgSteps)));
    // both start from "a photo of a", where KgCoOp's term is zero: the first step's losses agree
    assertThat(kgSteps.get(0)).isCloseTo(coopSteps.get(0), org.assertj.core.data.Offset.offset(1e-5f));
    // afterwards the term counts: KgCoOp's context stays closer to the hand-crafted prompt than CoOp's
    assertThat(kgSteps.get(kgSteps.size() - 1)).isNotEqualTo(coopSteps.get(coopSteps.size() - 1));
    try (TextPromptLearner learner = (TextPromptLearner) ToyProblem.learner("kgcoop", tiny, ToyProblem.BASE,
        new KgCoOpSettings(4, "a photo of a", 8.0), TEMPLATE, 1)) {
      learner.loadState(Map.of("ctx", new FloatTensor(new long[] {4, 64}, kg.state().get("ctx"))));
      float kgTerm = term(learner);
      learner.loadState(Map.of("ctx", new FloatTensor(new long[] {4, 64}, coop.state().get("ctx"))));
      float coopTerm = term(learner);
      assertThat(kgTerm).as("KgCoOp's term after training; with CoOp's context: " + coopTerm).isLessThan(0.5f * coopTerm);
    }
  }

  private static float term(TextPromptLearner learner) {
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      return learner.extraLoss(m, learner.textFeatures(m, null)).getFloat();
    }
  }

  private static TrainingListener recorder(List<Float> losses) {
    return new TrainingListener() {
      @Override
      public void onStep(int epoch, int step, int steps, double loss, double accuracy) {
        losses.add((float) loss);
      }
    };
  }
}
