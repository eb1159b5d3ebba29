package org.ckcoop.baselines.promptsrc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineArrays;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.baselines.fixture.Reference;
import org.ckcoop.baselines.fixture.TinyBackbones;
import org.ckcoop.baselines.fixture.ToyProblem;
import org.ckcoop.baselines.ivlp.IvlpSettings;
import org.ckcoop.core.learner.LearnerBatch;
import org.ckcoop.core.learner.StepOutput;
import org.ckcoop.core.learner.TrainableArrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PromptSRC's loss terms and Gaussian prompt aggregation against their official definitions by hand. */
class PromptSrcLearnerTest {
  static ClipBackbone tiny;
  static final String TEMPLATE = "a photo of a {}.";
  static final List<String> TEMPLATES = List.of("a photo of a {}.", "a drawing of a {}.", "a {}.");
  static final PromptSrcSettings SMALL = new PromptSrcSettings(4, 4, "a photo of a", 2, 2, 25, 10, 15, 1, TEMPLATES);
  static final int B = 3;

  @BeforeAll
  static void load() {
    tiny = TinyBackbones.tiny(3);
  }

  @AfterAll
  static void close() {
    tiny.close();
  }

  static PromptSrcLearner promptsrc(List<String> classes, PromptSrcSettings settings) {
    return (PromptSrcLearner) ToyProblem.learner("promptsrc", tiny, classes, settings, TEMPLATE, 1);
  }

  @Test
  void parameterCountAndGaussianWeightsAreThePapers() {
    assertThat(IvlpSettings.parameterCount(4, 4, 9, 9, 512, 768)).isEqualTo(46_080L);
    assertThat(IvlpSettings.parameterCount(4, 4, 3, 3, 512, 768)).isEqualTo(15_360L);
    try (PromptSrcLearner learner = promptsrc(ToyProblem.BASE, SMALL)) {
      assertThat(learner.learnableParameterCount()).isEqualTo(IvlpSettings.parameterCount(4, 4, 2, 2, 64, 64));
      // the aggregation sums travel with the state (checkpoints, state files)
      assertThat(learner.stateTensors().keySet()).containsExactly("ctx", "text.0", "vision.0", "vision.1",
          "gpa.ctx", "gpa.text.0", "gpa.vision.0", "gpa.vision.1");
    }
    double[] w = new PromptSrcSettings(4, 4, "", 9, 9, 25, 10, 15, 1, List.of()).gpaWeights(20);
    assertThat(Arrays.stream(w).sum()).isCloseTo(1.0, offset(1e-12));
    assertThat(w[14]).isCloseTo(0.398942, offset(1e-6)); // epoch 15
    assertThat(w[13]).isCloseTo(0.241971, offset(1e-6));
    assertThat(w[15]).isCloseTo(0.241971, offset(1e-6));
    assertThat(w[12]).isCloseTo(0.053991, offset(1e-6));
    assertThat(w[10]).isCloseTo(1.338e-4, offset(1e-7));
    assertThat(w[19]).isCloseTo(1.487e-6, offset(1e-9));
  }

  @Test
  void theAggregationReplacesTheStateWithTheGaussianWeightedSumAfterTheLastEpoch() {
    int epochs = 4;
    PromptSrcSettings s = new PromptSrcSettings(4, 4, "a photo of a", 2, 2, 25, 10, 2.5, 1, TEMPLATES);
    double[] w = s.gpaWeights(epochs);
    try (PromptSrcLearner learner = promptsrc(ToyProblem.BASE, s)) {
      NDArray ctx = learner.trainableParameters().get("ctx");
      int n = (int) ctx.getShape().size();
      double[] expected = new double[n];
      for (int e = 0; e < epochs; e++) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
          values[i] = (float) (0.01 * i + e + 1);
          expected[i] += w[e] * values[i];
        }
        TrainableArrays.overwrite(ctx, values);
        learner.onEpochEnd(e, epochs);
        if (e < epochs - 1) {
          assertThat(ctx.toFloatArray()).as("unchanged before the last epoch").containsExactly(values);
        }
      }
      float[] aggregated = ctx.toFloatArray();
      for (int i = 0; i < n; i++) {
        assertThat((double) aggregated[i]).isCloseTo(expected[i], offset(1e-5));
      }
      assertThat(learner.stateTensors().get("gpa.ctx").toFloatArray()).containsExactly(aggregated);
    }
  }

  @Test
  void aRunKilledInTheMiddleOfTheAggregationResumesToTheSameFinalState(@org.junit.jupiter.api.io.TempDir Path dir) {
    PromptSrcSettings s = new PromptSrcSettings(4, 4, "a photo of a", 2, 2, 25, 10, 2.5, 1, TEMPLATES);
    org.ckcoop.core.train.TrainSettings train = new org.ckcoop.core.train.TrainSettings(4, 4, true, 1, 8);
    Map<String, float[]> uninterrupted = trainPixels(dir.resolve("whole"), s, train, false, -1);
    // killed right after epoch 2's checkpoint (the sums of epochs 1-2 in it), then resumed
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> trainPixels(dir.resolve("killed"), s, train, false, 1))
        .hasMessage("killed");
    Map<String, float[]> resumed = trainPixels(dir.resolve("killed"), s, train, true, -1);
    assertThat(resumed.keySet()).containsExactlyElementsOf(uninterrupted.keySet());
    uninterrupted.forEach((name, values) -> assertThat(resumed.get(name)).as(name).containsExactly(values));
  }

  /** Trains PromptSRC on 12 random images from pixels; throws "killed" after epoch {@code killAfter} (0-based). */
  private static Map<String, float[]> trainPixels(Path run, PromptSrcSettings s, org.ckcoop.core.train.TrainSettings train,
      boolean resume, int killAfter) {
    int r = tiny.architecture().imageResolution();
    int n = 12;
    org.ckcoop.core.train.TrainingData data = new org.ckcoop.core.train.TrainingData() {
      @Override
      public int size() {
        return n;
      }

      @Override
      public int featureWidth() {
        return tiny.architecture().embedDim();
      }

      @Override
      public int label(int i) {
        return i % 3;
      }

      @Override
      public void features(int i, int epoch, float[] target, int offset) {
        throw new UnsupportedOperationException("pixels only");
      }

      @Override
      public boolean hasPixels() {
        return true;
      }

      @Override
      public void pixels(int[] examples, int epoch, float[] target, int offset) {
        for (int k = 0; k < examples.length; k++) {
          SplittableRandom random = new SplittableRandom(31L * examples[k] + epoch);
          for (int j = 0; j < 3 * r * r; j++) {
            target[offset + k * 3 * r * r + j] = (float) random.nextGaussian();
          }
        }
      }

      @Override
      public String identity() {
        return "random-pixels-12";
      }
    };
    java.util.List<org.ckcoop.core.train.TrainingListener> listeners = killAfter < 0 ? List.of()
        : List.of(new org.ckcoop.core.train.TrainingListener() {
          @Override
          public void onEpochEnd(org.ckcoop.core.train.EpochSummary summary) {
            if (summary.epoch() == killAfter) {
              throw new IllegalStateException("killed");
            }
          }
        });
    org.ckcoop.core.train.RunProvenance provenance = new org.ckcoop.core.train.RunProvenance("promptsrc",
        new java.util.TreeMap<>(Map.of("learner.name", "promptsrc")), "test-promptsrc", tiny.identity(), data.identity(),
        1, org.ckcoop.core.train.RunProvenance.currentVersions());
    try (PromptSrcLearner learner = promptsrc(ToyProblem.BASE, s)) {
      assertThat(learner.needsFrozenImageFeatures()).as("its image consistency term compares with them").isTrue();
      new org.ckcoop.core.train.LearnerTrainer(ToyProblem.sgd(0.05), train).train(
          new org.ckcoop.core.train.LearnerTrainer.Job(learner, tiny, data, run, provenance, resume, listeners));
      Map<String, float[]> out = new LinkedHashMap<>();
      learner.stateTensors().forEach((name, a) -> out.put(name, a.toFloatArray()));
      return out;
    }
  }

  @Test
  void theLossTermsAreTheOfficialOnesWrittenOutByHand() {
    int embed = tiny.architecture().embedDim();
    try (PromptSrcLearner learner = promptsrc(ToyProblem.BASE, SMALL); NDManager m = EngineRuntime.engine().newBaseManager()) {
      Map<String, FloatTensor> state = new LinkedHashMap<>();
      SplittableRandom random = new SplittableRandom(4);
      learner.stateTensors().forEach((name, a) -> {
        float[] v = new float[Math.toIntExact(a.getShape().size())];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (random.nextGaussian() * 0.2);
        }
        state.put(name, new FloatTensor(a.getShape().getShape(), v));
      });
      learner.loadState(state);
      NDArray pixels = pixels(m, 2);
      NDArray frozen = tiny.encodeImages(pixels);
      long[] labels = {0, 2, 1};
      StepOutput out = learner.forward(new LearnerBatch(m, frozen, pixels, EngineArrays.of(m, labels, new Shape(B)), true));
      assertThat(out.losses().keySet()).containsExactly("cross_entropy", "kl", "text_l1", "image_l1");
      double[] t = Reference.unitRows(learner.textFeatures(m).toFloatArray(), embed);
      double[] v = Reference.unitRows(learner.imageFeatures(m, pixels).toFloatArray(), embed);
      double[] v0 = Reference.unitRows(frozen.toFloatArray(), embed);
      // t0: the mean of the unnormalised frozen features over the templates, normalised
      int c = ToyProblem.BASE.size();
      double[] mean = new double[c * embed];
      for (String template : TEMPLATES) {
        float[] f = Reference.encodeTexts(tiny, ToyProblem.BASE.stream().map(n -> template.replace("{}", n)).toList());
        for (int i = 0; i < f.length; i++) {
          mean[i] += f[i] / (double) TEMPLATES.size();
        }
      }
      double[] t0 = new double[c * embed];
      for (int k = 0; k < c; k++) {
        double norm = 0;
        for (int j = 0; j < embed; j++) {
          norm += mean[k * embed + j] * mean[k * embed + j];
        }
        for (int j = 0; j < embed; j++) {
          t0[k * embed + j] = mean[k * embed + j] / Math.sqrt(norm);
        }
      }
      double scale = Math.exp(tiny.logitScale());
      double kl = 0;
      double ce = 0;
      for (int b = 0; b < B; b++) {
        double[] z = new double[c];
        double[] z0 = new double[c];
        for (int k = 0; k < c; k++) {
          for (int j = 0; j < embed; j++) {
            z[k] += scale * v[b * embed + j] * t[k * embed + j];
            z0[k] += scale * v0[b * embed + j] * t0[k * embed + j];
          }
        }
        double[] logP = logSoftmax(z);
        double[] logP0 = logSoftmax(z0);
        ce -= logP[(int) labels[b]] / B;
        for (int k = 0; k < c; k++) {
          kl += Math.exp(logP0[k]) * (logP0[k] - logP[k]);
        }
      }
      kl /= B * c;
      double textL1 = 0;
      for (int i = 0; i < t.length; i++) {
        textL1 += Math.abs(t[i] - t0[i]) / t.length;
      }
      double imageL1 = 0;
      for (int i = 0; i < v.length; i++) {
        imageL1 += Math.abs(v[i] - v0[i]) / v.length;
      }
      assertThat((double) out.losses().get("cross_entropy").getFloat()).isCloseTo(ce, offset(1e-4));
      assertThat((double) out.losses().get("kl").getFloat()).isCloseTo(kl, offset(1e-5));
      assertThat((double) out.losses().get("text_l1").getFloat()).isCloseTo(25 * textL1, offset(1e-4));
      assertThat((double) out.losses().get("image_l1").getFloat()).isCloseTo(10 * imageL1, offset(1e-4));
      assertThat(kl).isPositive();
    }
  }

  private static double[] logSoftmax(double[] z) {
    double max = Arrays.stream(z).max().orElse(0);
    double sum = 0;
    for (double x : z) {
      sum += Math.exp(x - max);
    }
    double log = max + Math.log(sum);
    return Arrays.stream(z).map(x -> x - log).toArray();
  }

  private static NDArray pixels(NDManager m, long seed) {
    return ToyProblem.pixels(tiny, m, B, seed);
  }
}
