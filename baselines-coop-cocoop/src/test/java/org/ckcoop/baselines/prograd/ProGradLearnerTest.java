package org.ckcoop.baselines.prograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineArrays;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.common.InputException;
import org.ckcoop.baselines.fixture.TinyBackbones;
import org.ckcoop.baselines.fixture.ToyProblem;
import org.ckcoop.core.prompt.HandCraftedFeatures;
import org.ckcoop.core.learner.LearnerBatch;
import org.ckcoop.core.learner.LearnerStateFile;
import org.ckcoop.core.learner.StepOutput;
import org.ckcoop.core.prompt.ContextPrompts;
import org.ckcoop.core.train.StepLoss;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ProGrad against its official computation written out by hand. */
class ProGradLearnerTest {
  static ClipBackbone tiny;
  static final String TEMPLATE = "a photo of a {}.";
  static final ProGradSettings SIX = new ProGradSettings(6, "", 1.0, 1.0);
  @TempDir Path dir;

  @BeforeAll
  static void load() {
    tiny = TinyBackbones.tiny(3);
  }

  @AfterAll
  static void close() {
    tiny.close();
  }

  static ProGradLearner prograd(List<String> classes, ProGradSettings settings) {
    return (ProGradLearner) ToyProblem.learner("prograd", tiny, classes, settings, TEMPLATE, 1);
  }

  @Test
  void theTemplateWordsEndTheContextAndTheVectorsBeforeThemAreZero() {
    int width = tiny.architecture().text().width();
    try (ProGradLearner learner = prograd(ToyProblem.BASE, SIX)) {
      assertThat(learner.placeholder()).isEqualTo("X X a photo of a");
      float[] ctx = learner.trainableParameters().get(ProGradLearner.CTX).toFloatArray();
      assertThat(ctx).hasSize(6 * width);
      for (int i = 0; i < 2 * width; i++) {
        assertThat(ctx[i]).isZero();
      }
      float[] words = ContextPrompts.wordEmbeddings(tiny, "a photo of a");
      assertThat(java.util.Arrays.copyOfRange(ctx, 2 * width, 6 * width)).containsExactly(words);
      assertThat(learner.learnableParameterCount()).isEqualTo(6L * width);
    }
    // the default n_ctx is 16 (ProGrad's scripts): 16 x 512 = 8,192 parameters at ViT-B/16's text width
    assertThat(org.ckcoop.core.run.RunPlan.from(org.ckcoop.core.config.LayeredConfig.builder(
        org.ckcoop.core.run.CoreSettings.schema(org.ckcoop.core.plugin.LearnerRegistry.discover()))
        .override("learner.name=prograd").build(), org.ckcoop.core.plugin.LearnerRegistry.discover()).learnerSettings())
        .isEqualTo(new ProGradSettings(16, "", 1.0, 1.0));
    assertThat(ProGradLearner.initWords("", "a centered satellite photo of {}.")).isEqualTo("a centered satellite photo of");
    assertThat(ProGradLearner.initWords("none", TEMPLATE)).isEmpty();
    assertThatThrownBy(() -> ProGradLearner.initWords("", "{} texture"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("learner.prograd.ctx_init: the dataset template '{} texture' does not end in ' {}.'");
  }

  @Test
  void theProjectionRemovesTheConflictingComponentOnly() {
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      NDArray ce = EngineArrays.of(m, new float[] {1, 0});
      // conflicting: dot = -1, g = ce - lambda * dot / |kl|^2 * kl = [1, 0] + lambda / 2 * [-1, 1]
      assertThat(ProGradLearner.project(m, ce, EngineArrays.of(m, new float[] {-1, 1}), 1f).toFloatArray())
          .containsExactly(0.5f, 0.5f);
      assertThat(ProGradLearner.project(m, ce, EngineArrays.of(m, new float[] {-1, 1}), 0.8f).toFloatArray())
          .containsExactly(new float[] {0.6f, 0.4f}, offset(1e-7f));
      // agreeing or orthogonal: the CE gradient alone (the KL gradient is never added)
      assertThat(ProGradLearner.project(m, ce, EngineArrays.of(m, new float[] {1, 1}), 1f).toFloatArray())
          .containsExactly(1f, 0f);
      assertThat(ProGradLearner.project(m, ce, EngineArrays.of(m, new float[] {0, 3}), 1f).toFloatArray())
          .containsExactly(1f, 0f);
    }
  }

  @Test
  void theDistillationTermIsTheSoftCrossEntropyToZeroShotClip() {
    int embed = tiny.architecture().embedDim();
    int batch = 5;
    float[] image = gaussian(batch * embed, 4);
    long[] labels = {0, 1, 2, 0, 1};
    for (float t : new float[] {1f, 2.5f}) {
      try (ProGradLearner learner = prograd(ToyProblem.BASE, new ProGradSettings(6, "", 1.0, t));
          NDManager m = EngineRuntime.engine().newBaseManager()) {
        NDArray x = EngineArrays.of(m, image, new Shape(batch, embed));
        StepOutput out = learner.forward(new LearnerBatch(m, x, null, EngineArrays.of(m, labels, new Shape(batch)), true));
        assertThat(out.losses().keySet()).containsExactly("cross_entropy", "kl");
        float[] z = out.logits().toFloatArray();
        float[] teacher = HandCraftedFeatures.compute(tiny, ToyProblem.BASE, List.of(TEMPLATE));
        double scale = Math.exp(tiny.logitScale());
        int c = ToyProblem.BASE.size();
        double expected = 0;
        for (int b = 0; b < batch; b++) {
          double[] z0 = new double[c];
          double norm = 0;
          for (int j = 0; j < embed; j++) {
            norm += (double) image[b * embed + j] * image[b * embed + j];
          }
          for (int k = 0; k < c; k++) {
            double dot = 0;
            for (int j = 0; j < embed; j++) {
              dot += image[b * embed + j] * teacher[k * embed + j];
            }
            z0[k] = scale * dot / Math.sqrt(norm);
          }
          double[] p = softmax(z0, t);
          double[] zs = new double[c];
          for (int k = 0; k < c; k++) {
            zs[k] = z[b * c + k];
          }
          double[] q = softmax(zs, t);
          for (int k = 0; k < c; k++) {
            expected -= p[k] * Math.log(q[k]);
          }
        }
        expected = expected / batch * t * t;
        assertThat((double) out.losses().get("kl").getFloat()).isCloseTo(expected, offset(1e-5 * Math.max(1, expected)));
      }
    }
  }

  @Test
  void aTrainingStepAppliesTheProjectionOfTheSeparatelyComputedGradients() {
    int embed = tiny.architecture().embedDim();
    int batch = 6;
    int conflicting = 0;
    int agreeing = 0;
    for (long seed = 1; seed <= 12; seed++) {
      float[] image = gaussian(batch * embed, seed);
      SplittableRandom random = new SplittableRandom(seed);
      long[] labels = new long[batch];
      for (int i = 0; i < batch; i++) {
        labels[i] = random.nextInt(ToyProblem.BASE.size());
      }
      float[] combined;
      float[] ce;
      float[] kl;
      try (ProGradLearner learner = prograd(ToyProblem.BASE, SIX); NDManager m = EngineRuntime.engine().newBaseManager()) {
        NDArray ctx = learner.trainableParameters().get(ProGradLearner.CTX);
        org.ckcoop.core.learner.TrainableArrays.overwrite(ctx, gaussian((int) ctx.getShape().size(), 100 + seed));
        NDArray x = EngineArrays.of(m, image, new Shape(batch, embed));
        NDArray y = EngineArrays.of(m, labels, new Shape(batch));
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          StepLoss loss = StepLoss.forward(learner, tiny, m, x, y);
          combined = loss.backward(collector, learner, m).get(ProGradLearner.CTX).toFloatArray();
        }
        ce = gradientOf(learner, m, x, y, "cross_entropy");
        kl = gradientOf(learner, m, x, y, "kl");
      }
      double dot = 0;
      double sq = 0;
      for (int i = 0; i < ce.length; i++) {
        dot += (double) ce[i] * kl[i];
        sq += (double) kl[i] * kl[i];
      }
      double factor = dot < 0 ? dot / sq : 0;
      if (dot < 0) {
        conflicting++;
      } else {
        agreeing++;
      }
      for (int i = 0; i < ce.length; i++) {
        assertThat((double) combined[i]).as("seed %d, dot %.4g", seed, dot).isCloseTo(ce[i] - factor * kl[i], offset(2e-6));
      }
    }
    assertThat(conflicting).as("steps whose gradients conflict (projection exercised)").isPositive();
    assertThat(agreeing).as("steps whose gradients agree (CE alone)").isPositive();
  }

  @Test
  void theStateReloadsForNewClassNames() {
    Path file = dir.resolve("prograd.safetensors");
    float[] logits;
    float[] image = gaussian(4 * tiny.architecture().embedDim(), 2);
    try (ProGradLearner learner = prograd(ToyProblem.BASE, SIX)) {
      NDArray ctx = learner.trainableParameters().get(ProGradLearner.CTX);
      org.ckcoop.core.learner.TrainableArrays.overwrite(ctx, gaussian((int) ctx.getShape().size(), 5));
      LearnerStateFile.of("prograd", learner, Map.of(), tiny.identity()).write(file);
      learner.setClassNames(ToyProblem.NEW);
      logits = org.ckcoop.core.classify.PromptClassifier.logits(learner, tiny, image, 4, 4);
    }
    try (ProGradLearner other = prograd(ToyProblem.NEW, SIX)) {
      other.loadState(LearnerStateFile.read(file).tensors());
      assertThat(org.ckcoop.core.classify.PromptClassifier.logits(other, tiny, image, 4, 4)).containsExactly(logits);
    }
  }

  private static float[] gradientOf(ProGradLearner learner, NDManager m, NDArray x, NDArray y, String term) {
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      StepOutput out = learner.forward(new LearnerBatch(m, x, null, y, true));
      collector.backward(out.losses().get(term));
    }
    NDArray g = learner.trainableParameters().get(ProGradLearner.CTX).getGradient();
    float[] values = g.toFloatArray();
    StepLoss.zero(Map.of("ctx", g));
    g.close();
    return values;
  }

  private static double[] softmax(double[] z, double t) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v / t);
    }
    double sum = 0;
    double[] out = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      out[i] = Math.exp(z[i] / t - max);
      sum += out[i];
    }
    for (int i = 0; i < z.length; i++) {
      out[i] /= sum;
    }
    return out;
  }

  private static float[] gaussian(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) random.nextGaussian();
    }
    return out;
  }
}
