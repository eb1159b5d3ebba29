package org.ckcoop.baselines.cocoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.baselines.fixture.Reference;
import org.ckcoop.baselines.fixture.TinyBackbones;
import org.ckcoop.baselines.fixture.ToyProblem;
import org.ckcoop.core.classify.PromptClassifier;
import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.LearnerStateFile;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.prompt.ClassTokenPosition;
import org.ckcoop.core.prompt.ContextPrompts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoCoOpLearnerTest {
  static ClipBackbone tiny;
  static final CoCoOpSettings DEFAULTS = new CoCoOpSettings(4, "a photo of a");
  static final int EMBED = 64;
  static final int WIDTH = 64;
  @TempDir Path dir;

  @BeforeAll
  static void load() {
    tiny = TinyBackbones.tiny(3);
  }

  @AfterAll
  static void close() {
    tiny.close();
  }

  static CoCoOpLearner cocoop(ClipBackbone backbone, List<String> classes, long seed) {
    return (CoCoOpLearner) ToyProblem.learner("cocoop", backbone, classes, DEFAULTS, LearnerContext.DEFAULT_TEMPLATE, seed);
  }

  /** Image features of {@code count} toy images (the base classes' sketch features plus noise). */
  static float[] images(int count, long seed) {
    return Arrays.copyOf(ToyProblem.features(ToyProblem.data(tiny, ToyProblem.BASE, count, 1.0, seed)), count * EMBED);
  }

  /** A state far from the initial one, so the meta-net's output matters: every tensor N(0, 0.2^2). */
  static Map<String, FloatTensor> randomState(PromptLearner learner, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, FloatTensor> state = new LinkedHashMap<>();
    learner.stateTensors().forEach((name, array) -> {
      float[] v = new float[Math.toIntExact(array.getShape().size())];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (0.2 * random.nextGaussian());
      }
      state.put(name, new FloatTensor(array.getShape().getShape(), v));
    });
    return state;
  }

  @Test
  void learnableParametersAtViTB16Dimensions() {
    try (ClipBackbone wide = TinyBackbones.width512(4);
        CoCoOpLearner learner = cocoop(wide, List.of("red circle", "blue square"), 1)) {
      assertThat(learner.learnableParameterCount()).isEqualTo(35_360); // 4*512 + 512*32+32 + 32*512+512
      Map<String, long[]> shapes = new LinkedHashMap<>();
      learner.stateTensors().forEach((name, a) -> shapes.put(name, a.getShape().getShape()));
      assertThat(shapes.keySet()).containsExactly("ctx", "meta_net.linear1.weight", "meta_net.linear1.bias",
          "meta_net.linear2.weight", "meta_net.linear2.bias");
      assertThat(shapes.get("ctx")).containsExactly(4, 512);
      assertThat(shapes.get("meta_net.linear1.weight")).containsExactly(32, 512);
      assertThat(shapes.get("meta_net.linear1.bias")).containsExactly(32);
      assertThat(shapes.get("meta_net.linear2.weight")).containsExactly(512, 32);
      assertThat(shapes.get("meta_net.linear2.bias")).containsExactly(512);
      assertThat(learner.trainableParameters().values()).allMatch(NDArray::hasGradient);
      assertThat(learner.imageConditional()).isTrue();

      // the meta-net starts as PyTorch's nn.Linear: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases
      checkUniform(learner, "meta_net.linear1.weight", 1 / Math.sqrt(512));
      checkUniform(learner, "meta_net.linear1.bias", 1 / Math.sqrt(512));
      checkUniform(learner, "meta_net.linear2.weight", 1 / Math.sqrt(32));
      checkUniform(learner, "meta_net.linear2.bias", 1 / Math.sqrt(32));
      assertThat(learner.stateTensors().get("ctx").toFloatArray())
          .containsExactly(ContextPrompts.wordEmbeddings(wide, "a photo of a"));
      try (CoCoOpLearner same = cocoop(wide, List.of("star"), 1); CoCoOpLearner other = cocoop(wide, List.of("star"), 2)) {
        float[] w = learner.stateTensors().get("meta_net.linear1.weight").toFloatArray();
        assertThat(same.stateTensors().get("meta_net.linear1.weight").toFloatArray()).containsExactly(w);
        assertThat(other.stateTensors().get("meta_net.linear1.weight").toFloatArray()).isNotEqualTo(w);
      }
    }
  }

  private static void checkUniform(PromptLearner learner, String name, double bound) {
    float[] v = learner.stateTensors().get(name).toFloatArray();
    double max = 0;
    double square = 0;
    for (float x : v) {
      max = Math.max(max, Math.abs(x));
      square += (double) x * x;
    }
    assertThat(max).as(name + " max |value|").isLessThanOrEqualTo(bound).isGreaterThan(0.9 * bound);
    if (v.length > 1000) {
      assertThat(square / v.length).as(name + " mean square").isCloseTo(bound * bound / 3, org.assertj.core.data.Percentage.withPercentage(5));
    }
  }

  @Test
  void theMetaNetSeesTheNormalisedImageFeature() {
    float[] image = images(2, 5);
    float[] scaled = image.clone();
    for (int i = 0; i < scaled.length; i++) {
      scaled[i] *= (i < EMBED ? 7.5f : 0.01f);
    }
    try (CoCoOpLearner learner = cocoop(tiny, ToyProblem.BASE, 1);
        NDManager m = EngineRuntime.engine().newBaseManager()) {
      learner.loadState(randomState(learner, 9));
      float[] original = learner.textFeatures(m, m.create(image, new Shape(2, EMBED))).toFloatArray();
      float[] rescaled = learner.textFeatures(m, m.create(scaled, new Shape(2, EMBED))).toFloatArray();
      assertThat(Reference.maxDiff(original, rescaled)).isLessThan(1e-5);
      // ... while the image does matter: the two images get different class features
      int half = original.length / 2;
      assertThat(Reference.maxDiff(Arrays.copyOf(original, half), Arrays.copyOfRange(original, half, original.length)))
          .isGreaterThan(1e-3);
    }
  }

  @Test
  void logitsFromAStateFileMatchAReferenceComputation() {
    int images = 3;
    float[] image = images(images, 6);
    Path file = dir.resolve("cocoop.safetensors");
    try (CoCoOpLearner learner = cocoop(tiny, ToyProblem.NEW, 1);
        NDManager m = EngineRuntime.engine().newBaseManager()) {
      Map<String, FloatTensor> state = randomState(learner, 11);
      new LearnerStateFile("cocoop", Map.of(), "", List.of(), state).write(file);
      learner.loadState(LearnerStateFile.read(file).tensors());

      // by hand: pi = W2 relu(W1 (f / |f|) + b1) + b2, added to every context vector, CoOp's END prompt per class
      float[] w1 = state.get("meta_net.linear1.weight").data();
      float[] b1 = state.get("meta_net.linear1.bias").data();
      float[] w2 = state.get("meta_net.linear2.weight").data();
      float[] b2 = state.get("meta_net.linear2.bias").data();
      float[] ctx = state.get("ctx").data();
      int hidden = EMBED / 16;
      double[] unit = Reference.unitRows(image, EMBED);
      List<Reference.Prompt> prompts = new ArrayList<>();
      for (int b = 0; b < images; b++) {
        double[] h = new double[hidden];
        for (int o = 0; o < hidden; o++) {
          double s = b1[o];
          for (int i = 0; i < EMBED; i++) {
            s += w1[o * EMBED + i] * unit[b * EMBED + i];
          }
          h[o] = Math.max(0, s);
        }
        float[] shifted = new float[4 * WIDTH];
        for (int o = 0; o < WIDTH; o++) {
          double pi = b2[o];
          for (int i = 0; i < hidden; i++) {
            pi += w2[o * hidden + i] * h[i];
          }
          for (int k = 0; k < 4; k++) {
            shifted[k * WIDTH + o] = (float) (ctx[k * WIDTH + o] + pi);
          }
        }
        for (String c : ToyProblem.NEW) {
          prompts.add(Reference.coop(tiny, "a photo of a", c, shifted, 4, ClassTokenPosition.END));
        }
      }
      // "a photo of a yellow heart." ... : SOT, 4 context, the name's tokens, ".", EOT
      assertThat(learner.eotPositions()).containsExactly(
          prompts.subList(0, 4).stream().mapToInt(Reference.Prompt::eot).toArray());
      float[] expected = Reference.encode(tiny, prompts); // [B * C, E], image-major
      NDArray text = learner.textFeatures(m, m.create(image, new Shape(images, EMBED)));
      assertThat(text.getShape()).isEqualTo(new Shape(images, 4, EMBED));
      assertThat(Reference.maxDiff(text.toFloatArray(), expected)).isLessThan(1e-5);

      float[] logits = PromptClassifier.logits(learner, tiny, image, images, 2);
      int classes = ToyProblem.NEW.size();
      for (int b = 0; b < images; b++) {
        double[] row = Reference.logits(Arrays.copyOfRange(image, b * EMBED, (b + 1) * EMBED),
            Arrays.copyOfRange(expected, b * classes * EMBED, (b + 1) * classes * EMBED), EMBED, tiny.logitScale());
        assertThat(Reference.maxDiff(Arrays.copyOfRange(logits, b * classes, (b + 1) * classes), row)).isLessThan(1e-4);
      }
    }
  }

  @Test
  void imagesBatchedThroughTheTextTowerGiveWhatOneImageAtATimeGives() {
    int images = 5;
    float[] image = images(images, 7);
    LearnerContext context = new LearnerContext(tiny, ToyProblem.BASE, DEFAULTS, LearnerContext.DEFAULT_TEMPLATE, 1);
    try (CoCoOpLearner together = new CoCoOpLearner(context); // 5 images x 3 classes in one pass
        CoCoOpLearner pairs = new CoCoOpLearner(context, 6); // two images per pass: 2 + 2 + 1
        NDManager m = EngineRuntime.engine().newBaseManager()) {
      Map<String, FloatTensor> state = randomState(together, 3);
      together.loadState(state);
      pairs.loadState(state);
      float[] all = together.textFeatures(m, m.create(image, new Shape(images, EMBED))).toFloatArray();
      NDArray chunked = pairs.textFeatures(m, m.create(image, new Shape(images, EMBED)));
      assertThat(chunked.getShape()).isEqualTo(new Shape(images, 3, EMBED));
      assertThat(Reference.maxDiff(chunked.toFloatArray(), all)).isLessThan(1e-5);
      for (int b = 0; b < images; b++) {
        float[] one = together.textFeatures(m,
            m.create(Arrays.copyOfRange(image, b * EMBED, (b + 1) * EMBED), new Shape(1, EMBED))).toFloatArray();
        assertThat(Reference.maxDiff(one, Arrays.copyOfRange(all, b * 3 * EMBED, (b + 1) * 3 * EMBED)))
            .as("image " + b).isLessThan(1e-5);
      }
      assertThatThrownBy(() -> together.textFeatures(m, null))
          .hasMessage("CoCoOp's text features depend on the image: image features are required");
    }
  }

  @Test
  void stateRoundTripAndNewClassNames() {
    float[] image = images(2, 8);
    Path file = dir.resolve("state.safetensors");
    try (CoCoOpLearner learner = cocoop(tiny, ToyProblem.BASE, 1);
        CoCoOpLearner onNew = cocoop(tiny, ToyProblem.NEW, 2);
        NDManager m = EngineRuntime.engine().newBaseManager()) {
      learner.loadState(randomState(learner, 4));
      Map<String, float[]> before = new LinkedHashMap<>();
      learner.stateTensors().forEach((n, a) -> before.put(n, a.toFloatArray()));
      LearnerStateFile.of("cocoop", learner, Map.of(), tiny.identity()).write(file);
      learner.setClassNames(ToyProblem.NEW);
      learner.stateTensors().forEach((n, a) -> assertThat(a.toFloatArray()).as(n).containsExactly(before.get(n)));
      NDArray text = learner.textFeatures(m, m.create(image, new Shape(2, EMBED)));
      assertThat(text.getShape()).isEqualTo(new Shape(2, 4, EMBED));
      onNew.loadState(LearnerStateFile.read(file).tensors());
      onNew.stateTensors().forEach((n, a) -> assertThat(a.toFloatArray()).as(n).containsExactly(before.get(n)));
      assertThat(onNew.textFeatures(m, m.create(image, new Shape(2, EMBED))).toFloatArray())
          .containsExactly(text.toFloatArray());
      Map<String, FloatTensor> bad = new LinkedHashMap<>(LearnerStateFile.read(file).tensors());
      bad.put("meta_net.linear2.bias", new FloatTensor(new long[] {32}, new float[32]));
      assertThatThrownBy(() -> onNew.loadState(bad)).hasMessage("cocoop learner state: tensor 'meta_net.linear2.bias'"
          + " has shape [32], expected [64] (n_ctx 4, embed 64 and text width 64 here)");
    }
  }
}
