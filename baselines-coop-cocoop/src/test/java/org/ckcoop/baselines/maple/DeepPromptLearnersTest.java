package org.ckcoop.baselines.maple;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineArrays;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.common.InputException;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.backbone.prompts.TextLayerPrompts;
import org.ckcoop.backbone.prompts.VisionLayerPrompts;
import org.ckcoop.baselines.fixture.Reference;
import org.ckcoop.baselines.fixture.TinyBackbones;
import org.ckcoop.baselines.fixture.ToyProblem;
import org.ckcoop.baselines.ivlp.IvlpLearner;
import org.ckcoop.baselines.ivlp.IvlpSettings;
import org.ckcoop.core.learner.LearnerBatch;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.prompt.ClassTokenPosition;
import org.ckcoop.core.train.StepLoss;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MaPLe and IVLP against their official computation written out by hand (the prompts, the coupling
 * layers in doubles, the towers' deep-prompt entry points checked separately against numpy), their
 * parameter counts, gradients and state files.
 */
class DeepPromptLearnersTest {
  static ClipBackbone tiny;
  static final String TEMPLATE = "a photo of a {}.";
  static final int B = 3;

  @BeforeAll
  static void load() {
    tiny = TinyBackbones.tiny(3);
  }

  @AfterAll
  static void close() {
    tiny.close();
  }

  static PromptLearner learner(String name, Record settings, List<String> classes) {
    return ToyProblem.learner(name, tiny, classes, settings, TEMPLATE, 1);
  }

  @Test
  void parameterCountsAreThePapers() {
    // MaPLe at ViT-B/16 (text 512, vision 768), N_CTX 2: J = 9 base-to-new, J = 3 cross-dataset
    assertThat(MapleSettings.parameterCount(2, 9, 512, 768)).isEqualTo(3_555_072L);
    assertThat(MapleSettings.parameterCount(2, 3, 512, 768)).isEqualTo(1_185_024L);
    // IVLP 2+2 depth 12/12 (MaPLe repo), 4+4 depth 9/9 (PromptSRC repo)
    assertThat(IvlpSettings.parameterCount(2, 2, 12, 12, 512, 768)).isEqualTo(30_720L);
    assertThat(IvlpSettings.parameterCount(4, 4, 9, 9, 512, 768)).isEqualTo(46_080L);
    int tw = tiny.architecture().text().width();
    int vw = tiny.architecture().vision().width();
    try (PromptLearner maple = learner("maple", new MapleSettings(2, "a photo of a", 2), ToyProblem.BASE);
        PromptLearner ivlp = learner("ivlp", new IvlpSettings(2, 3, "a photo of a", 2, 2), ToyProblem.BASE)) {
      assertThat(maple.learnableParameterCount()).isEqualTo(MapleSettings.parameterCount(2, 2, tw, vw));
      assertThat(maple.trainableParameters().keySet()).containsExactly("ctx", "proj.weight", "proj.bias",
          "compound_prompts_text.0", "compound_prompt_projections.0.weight", "compound_prompt_projections.0.bias");
      assertThat(ivlp.learnableParameterCount()).isEqualTo(IvlpSettings.parameterCount(2, 3, 2, 2, tw, vw));
      assertThat(ivlp.usesCachedFeatures()).isFalse();
      // they train with their own prompted towers: no frozen image-tower forward per step for them
      assertThat(maple.needsFrozenImageFeatures()).isFalse();
      assertThat(ivlp.needsFrozenImageFeatures()).isFalse();
    }
  }

  @Test
  void mapleLogitsEqualItsForwardWrittenOutByHand() {
    try (PromptLearner maple = learner("maple", new MapleSettings(2, "a photo of a", 2), ToyProblem.NEW);
        NDManager m = EngineRuntime.engine().newBaseManager()) {
      Map<String, FloatTensor> state = randomState(maple, 7);
      maple.loadState(state);
      NDArray pixels = pixels(m, 5);
      float[] logits = maple.forward(new LearnerBatch(m, tiny.encodeImages(pixels), pixels, null, false)).logits()
          .toFloatArray();
      float[] ctx = state.get("ctx").data();
      // text: CoOp's prompt with "a photo" replaced by ctx ("of a" fixed), compound prompt 0 at block 1
      NDArray deepText = EngineArrays.of(m, state.get("compound_prompts_text.0").data(), new Shape(2, 64));
      float[] text = encodeText(m, ToyProblem.NEW, ctx, new TextLayerPrompts(List.of(deepText)));
      // vision: proj(ctx) appended at the input, projection_0(compound_0) at block 1
      float[] shared = linear(ctx, 2, state.get("proj.weight").data(), state.get("proj.bias").data(), 64, 64);
      float[] deep = linear(state.get("compound_prompts_text.0").data(), 2,
          state.get("compound_prompt_projections.0.weight").data(), state.get("compound_prompt_projections.0.bias").data(),
          64, 64);
      float[] image = tiny.encodeImages(pixels, new VisionLayerPrompts(EngineArrays.of(m, shared, new Shape(2, 64)),
          List.of(EngineArrays.of(m, deep, new Shape(2, 64))))).toFloatArray();
      double[] reference = Reference.logits(image, text, tiny.architecture().embedDim(), tiny.logitScale());
      assertThat(Reference.maxDiff(logits, reference)).isLessThan(1e-4);
      // and the prompts matter: without them the logits differ
      double[] plain = Reference.logits(tiny.encodeImages(pixels).toFloatArray(), text, tiny.architecture().embedDim(),
          tiny.logitScale());
      assertThat(Reference.maxDiff(logits, plain)).isGreaterThan(1e-3);
    }
  }

  @Test
  void ivlpLogitsEqualItsForwardWrittenOutByHand() {
    try (PromptLearner ivlp = learner("ivlp", new IvlpSettings(2, 3, "a photo of a", 2, 2), ToyProblem.NEW);
        NDManager m = EngineRuntime.engine().newBaseManager()) {
      Map<String, FloatTensor> state = randomState(ivlp, 8);
      ivlp.loadState(state);
      NDArray pixels = pixels(m, 6);
      float[] logits = ivlp.forward(new LearnerBatch(m, tiny.encodeImages(pixels), pixels, null, false)).logits()
          .toFloatArray();
      float[] text = encodeText(m, ToyProblem.NEW, state.get("ctx").data(),
          new TextLayerPrompts(List.of(EngineArrays.of(m, state.get("text.0").data(), new Shape(2, 64)))));
      float[] image = tiny.encodeImages(pixels, new VisionLayerPrompts(
          EngineArrays.of(m, state.get("vision.0").data(), new Shape(3, 64)),
          List.of(EngineArrays.of(m, state.get("vision.1").data(), new Shape(3, 64))))).toFloatArray();
      assertThat(Reference.maxDiff(logits, Reference.logits(image, text, tiny.architecture().embedDim(), tiny.logitScale())))
          .isLessThan(1e-4);
    }
  }

  @Test
  void aTrainingStepReachesEveryParameterAndTheStateReloadsForNewClasses() {
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      for (String name : List.of("maple", "ivlp")) {
        Record settings = name.equals("maple") ? new MapleSettings(2, "a photo of a", 2)
            : new IvlpSettings(2, 3, "a photo of a", 2, 2);
        Map<String, FloatTensor> trainedState = new LinkedHashMap<>();
        float[] newLogits;
        NDArray pixels = pixels(m, 9);
        try (PromptLearner learner = learner(name, settings, ToyProblem.BASE)) {
          learner.loadState(randomState(learner, 3));
          Map<String, NDArray> gradients;
          try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
            StepLoss loss = StepLoss.forward(learner, m, tiny.encodeImages(pixels), pixels,
                EngineArrays.of(m, new long[] {0, 1, 2}, new Shape(B)));
            assertThat(loss.terms().keySet()).containsExactly("cross_entropy");
            gradients = loss.backward(c, learner, m);
          }
          assertThat(gradients.keySet()).containsExactlyElementsOf(learner.trainableParameters().keySet());
          gradients.forEach((k, g) -> assertThat(g.abs().sum().getFloat()).as(name + " " + k).isPositive());
          StepLoss.zero(StepLoss.accumulated(learner.trainableParameters(), m));
          learner.trainableParameters().forEach((k, a) ->
              trainedState.put(k, new FloatTensor(a.getShape().getShape(), a.toFloatArray())));
          learner.setClassNames(ToyProblem.NEW);
          newLogits = learner.forward(new LearnerBatch(m, tiny.encodeImages(pixels), pixels, null, false)).logits()
              .toFloatArray();
        }
        try (PromptLearner other = learner(name, settings, ToyProblem.NEW)) {
          other.loadState(trainedState);
          assertThat(other.forward(new LearnerBatch(m, tiny.encodeImages(pixels), pixels, null, false)).logits()
              .toFloatArray()).as(name).containsExactly(newLogits);
        }
      }
    }
  }

  @Test
  void aDepthBeyondTheTowersIsNamed() {
    assertThatThrownBy(() -> learner("maple", new MapleSettings(2, "a photo of a", 9), ToyProblem.BASE))
        .isInstanceOf(InputException.class)
        .hasMessage("learner.maple.prompt_depth: is 9 but the backbone's towers have 2 (text) and 2 (vision) layers;"
            + " at most 2");
    assertThatThrownBy(() -> learner("ivlp", new IvlpSettings(2, 2, "a photo of a", 2, 3), ToyProblem.BASE))
        .isInstanceOf(InputException.class)
        .hasMessage("learner.ivlp.prompt_depth_vision: is 3 but the vision tower has 2 layers");
  }

  private static float[] encodeText(NDManager m, List<String> classes, float[] ctx, TextLayerPrompts deep) {
    int width = tiny.architecture().text().width();
    int length = tiny.architecture().contextLength();
    List<Reference.Prompt> prompts = classes.stream()
        .map(c -> Reference.coop(tiny, "a photo of a", c, ctx, 2, ClassTokenPosition.END)).toList();
    float[] flat = new float[prompts.size() * length * width];
    int[] eot = new int[prompts.size()];
    for (int i = 0; i < prompts.size(); i++) {
      System.arraycopy(prompts.get(i).embeddings(), 0, flat, i * length * width, length * width);
      eot[i] = prompts.get(i).eot();
    }
    return tiny.encodeTokenEmbeddings(EngineArrays.of(m, flat, new Shape(prompts.size(), length, width)), eot, deep)
        .toFloatArray();
  }

  /** {@code x W^T + b} in doubles: x [n, in], W [out, in]. */
  private static float[] linear(float[] x, int n, float[] w, float[] b, int in, int out) {
    float[] y = new float[n * out];
    for (int r = 0; r < n; r++) {
      for (int o = 0; o < out; o++) {
        double s = b[o];
        for (int i = 0; i < in; i++) {
          s += (double) x[r * in + i] * w[o * in + i];
        }
        y[r * out + o] = (float) s;
      }
    }
    return y;
  }

  private static Map<String, FloatTensor> randomState(PromptLearner learner, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, FloatTensor> state = new LinkedHashMap<>();
    learner.stateTensors().forEach((name, a) -> {
      float[] v = new float[Math.toIntExact(a.getShape().size())];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (random.nextGaussian() * 0.2);
      }
      state.put(name, new FloatTensor(a.getShape().getShape(), v));
    });
    return state;
  }

  private static NDArray pixels(NDManager m, long seed) {
    return ToyProblem.pixels(tiny, m, B, seed);
  }
}
