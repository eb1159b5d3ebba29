package org.ckcoop.baselines.coop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.common.InputException;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CoOpLearnerTest {
  static ClipBackbone tiny;
  static ClipBackbone wide;
  static final List<String> CLASSES = List.of("red_circle", "star", "blue square");
  static final String TEMPLATE = LearnerContext.DEFAULT_TEMPLATE;
  @TempDir Path dir;

  @BeforeAll
  static void load() {
    tiny = TinyBackbones.tiny(3);
    wide = TinyBackbones.width512(4);
  }

  @AfterAll
  static void close() {
    tiny.close();
    wide.close();
  }

  static CoOpLearner coop(ClipBackbone backbone, List<String> classes, CoOpSettings settings, long seed) {
    return (CoOpLearner) ToyProblem.learner("coop", backbone, classes, settings, TEMPLATE, seed);
  }

  static CoOpSettings random(int nCtx, ClassTokenPosition position) {
    return new CoOpSettings(nCtx, "", false, position);
  }

  static float[] ctx(PromptLearner learner) {
    return learner.stateTensors().get("ctx").toFloatArray();
  }

  @Test
  void learnableParametersAtViTB16TextWidth() {
    try (CoOpLearner words = coop(wide, CLASSES, new CoOpSettings(4, "a photo of a", false, ClassTokenPosition.END), 1);
        CoOpLearner sixteen = coop(wide, CLASSES, random(16, ClassTokenPosition.END), 1);
        CoOpLearner csc = coop(wide, CLASSES, new CoOpSettings(4, "", true, ClassTokenPosition.END), 1)) {
      assertThat(words.learnableParameterCount()).isEqualTo(2_048);
      assertThat(words.stateTensors().get("ctx").getShape()).isEqualTo(new Shape(4, 512));
      assertThat(sixteen.learnableParameterCount()).isEqualTo(8_192);
      assertThat(sixteen.stateTensors().get("ctx").getShape()).isEqualTo(new Shape(16, 512));
      assertThat(csc.learnableParameterCount()).isEqualTo(3 * 2_048);
      assertThat(csc.stateTensors().get("ctx").getShape()).isEqualTo(new Shape(3, 4, 512));
      assertThat(words.trainableParameters().keySet()).containsExactly("ctx");
      assertThat(words.trainableParameters().get("ctx").hasGradient()).isTrue();
    }
  }

  @Test
  void randomInitialisationIsNormalWithStd002DrawnFromTheSeed() {
    try (CoOpLearner a = coop(wide, CLASSES, random(16, ClassTokenPosition.END), 7);
        CoOpLearner b = coop(wide, CLASSES, random(16, ClassTokenPosition.END), 7);
        CoOpLearner c = coop(wide, CLASSES, random(16, ClassTokenPosition.END), 8)) {
      float[] v = ctx(a);
      double mean = 0;
      double square = 0;
      for (float x : v) {
        mean += x;
        square += (double) x * x;
      }
      mean /= v.length;
      double std = Math.sqrt(square / v.length - mean * mean);
      assertThat(Math.abs(mean)).isLessThan(0.001); // 3 standard errors: 3 * 0.02 / sqrt(8192) = 0.00066
      assertThat(std).isBetween(0.0195, 0.0205);
      assertThat(ctx(b)).containsExactly(v);
      assertThat(ctx(c)).isNotEqualTo(v);
    }
  }

  @Test
  void tokensSitWhereCoOpPutsThemForEveryClassTokenPosition() {
    int width = 64;
    int[] name = tiny.tokenizer().encode("red circle");
    assertThat(name).hasSize(2);
    assertThat(tiny.tokenizer().encode("star")).hasSize(1);
    float[] table;
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      table = tiny.tokenEmbeddingTable(m).toFloatArray();
    }
    float[] marker = new float[4 * width];
    for (int k = 0; k < 4; k++) {
      Arrays.fill(marker, k * width, (k + 1) * width, 100 + k);
    }
    for (ClassTokenPosition position : ClassTokenPosition.values()) {
      try (CoOpLearner learner = coop(tiny, CLASSES, random(4, position), 1);
          NDManager m = EngineRuntime.engine().newBaseManager()) {
        learner.loadState(Map.of("ctx", new FloatTensor(new long[] {4, width}, marker)));
        // [SOT] 4 x ctx, "red circle" (2 tokens), "." [EOT]: EOT at 1 + 4 + 2 + 1 = 8; "star" 1 token: 7
        assertThat(learner.eotPositions()).as(position.toString()).containsExactly(8, 7, 8);
        float[] prompts = learner.promptEmbeddings(m).toFloatArray();
        assertThat(learner.promptEmbeddings(m).getShape()).isEqualTo(new Shape(3, 9, width));
        int[] ctxRows = switch (position) {
          case END -> new int[] {1, 2, 3, 4};
          case MIDDLE -> new int[] {1, 2, 5, 6};
          case FRONT -> new int[] {3, 4, 5, 6};
        };
        int nameRow = switch (position) {
          case END -> 5;
          case MIDDLE -> 3;
          case FRONT -> 1;
        };
        for (int k = 0; k < 4; k++) {
          assertThat(prompts[ctxRows[k] * width + 11]).as(position + " ctx " + k).isEqualTo(100 + k);
        }
        for (int t = 0; t < 2; t++) {
          assertThat(row(prompts, nameRow + t, width)).as(position + " name token " + t)
              .containsExactly(row(table, name[t], width));
        }
        assertThat(row(prompts, 0, width)).containsExactly(row(table, tiny.tokenizer().sotTokenId(), width));
        assertThat(row(prompts, 7, width)).containsExactly(row(table, tiny.tokenizer().encode(".")[0], width));
        assertThat(row(prompts, 8, width)).containsExactly(row(table, tiny.tokenizer().eotTokenId(), width));
        // the whole assembly equals CoOp's forward written out by hand (prefix | ctx | suffix, per position)
        for (int c = 0; c < CLASSES.size(); c++) {
          Reference.Prompt reference = Reference.coop(tiny, "X X X X", CLASSES.get(c), marker, 4, position);
          assertThat(reference.eot()).isEqualTo(learner.eotPositions()[c]);
          float[] assembled = Arrays.copyOfRange(prompts, c * 9 * width, (c + 1) * 9 * width);
          assertThat(assembled).as(position + " " + CLASSES.get(c))
              .containsExactly(Arrays.copyOfRange(reference.embeddings(), 0, 9 * width));
        }
      }
    }
  }

  private static float[] row(float[] matrix, int row, int width) {
    return Arrays.copyOfRange(matrix, row * width, (row + 1) * width);
  }

  @ParameterizedTest
  @EnumSource(ClassTokenPosition.class)
  void logitsFromAStateFileMatchAReferenceComputation(ClassTokenPosition position) {
    int width = 64;
    float[] ctx = new float[4 * width];
    java.util.SplittableRandom random = new java.util.SplittableRandom(42);
    for (int i = 0; i < ctx.length; i++) {
      ctx[i] = (float) (0.05 * random.nextGaussian());
    }
    // a state file written by hand with the documented tensor name
    Path file = dir.resolve("coop.safetensors");
    new LearnerStateFile("coop", Map.of(), "", List.of(), Map.of("ctx", new FloatTensor(new long[] {4, width}, ctx)))
        .write(file);
    try (CoOpLearner learner = coop(tiny, CLASSES, random(4, position), 1);
        NDManager m = EngineRuntime.engine().newBaseManager()) {
      learner.loadState(LearnerStateFile.read(file).tensors());
      List<Reference.Prompt> prompts = new ArrayList<>();
      for (String c : CLASSES) {
        prompts.add(Reference.coop(tiny, "X X X X", c, ctx, 4, position));
      }
      float[] expected = Reference.encode(tiny, prompts);
      float[] actual = learner.textFeatures(m, null).toFloatArray();
      assertThat(Reference.maxDiff(actual, expected)).isLessThan(1e-5);
      float[] images = ToyProblem.features(ToyProblem.data(tiny, ToyProblem.BASE, 2, 0.5, 3));
      float[] logits = PromptClassifier.logits(learner, tiny, images, 6, 4);
      double[] reference = Reference.logits(images, expected, 64, tiny.logitScale());
      assertThat(Reference.maxDiff(logits, reference)).isLessThan(1e-4);
    }
  }

  @Test
  void wordInitialisationReproducesTheHandWrittenPrompt() {
    try (CoOpLearner learner = coop(tiny, CLASSES, new CoOpSettings(4, "a_photo_of_a", false, ClassTokenPosition.END), 1);
        NDManager m = EngineRuntime.engine().newBaseManager()) {
      assertThat(ctx(learner)).containsExactly(ContextPrompts.wordEmbeddings(tiny, "a photo of a"));
      float[] written = Reference.encodeTexts(tiny,
          List.of("a photo of a red circle.", "a photo of a star.", "a photo of a blue square."));
      assertThat(Reference.maxDiff(learner.textFeatures(m, null).toFloatArray(), written)).isLessThan(1e-5);
    }
  }

  @Test
  void contradictorySettingsAreReportedWithTheirKeys() {
    assertThatThrownBy(() -> coop(tiny, CLASSES, new CoOpSettings(16, "a photo of a", false, ClassTokenPosition.END), 1))
        .isInstanceOf(InputException.class)
        .hasMessage("learner.coop.n_ctx: is 16 but learner.coop.ctx_init 'a photo of a' has 4 tokens; initialising"
            + " from words sets the number of context vectors to their token count (as CoOp does), so set"
            + " learner.coop.n_ctx = 4, or leave ctx_init empty for a random context of n_ctx vectors");
    assertThatThrownBy(() -> coop(tiny, CLASSES, new CoOpSettings(4, "a photo of a", true, ClassTokenPosition.END), 1))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("learner.coop.csc: a class-specific context starts at random only");
  }

  @Test
  void stateRoundTripsThroughALearnerStateFile() {
    Path file = dir.resolve("state.safetensors");
    try (CoOpLearner trained = coop(tiny, CLASSES, random(4, ClassTokenPosition.MIDDLE), 1);
        CoOpLearner other = coop(tiny, CLASSES, random(4, ClassTokenPosition.MIDDLE), 2);
        NDManager m = EngineRuntime.engine().newBaseManager()) {
      LearnerStateFile.of("coop", trained, Map.of("learner.coop.n_ctx", "4"), tiny.identity()).write(file);
      LearnerStateFile read = LearnerStateFile.read(file);
      assertThat(read.learner()).isEqualTo("coop");
      assertThat(read.classNames()).isEqualTo(CLASSES);
      assertThat(read.tensors().keySet()).containsExactly("ctx");
      assertThat(read.tensors().get("ctx").shape()).containsExactly(4, 64);
      assertThat(ctx(other)).isNotEqualTo(ctx(trained));
      other.loadState(read.tensors());
      assertThat(ctx(other)).containsExactly(ctx(trained));
      assertThat(other.textFeatures(m, null).toFloatArray()).containsExactly(trained.textFeatures(m, null).toFloatArray());

      assertThatThrownBy(() -> other.loadState(Map.of()))
          .isInstanceOf(InputException.class).hasMessage("coop learner state: tensor 'ctx' is missing (coop needs [ctx])");
      assertThatThrownBy(() -> other.loadState(Map.of("ctx", read.tensors().get("ctx"),
          "meta_net.linear1.bias", new FloatTensor(new long[] {1}, new float[1]))))
          .hasMessage("coop learner state: unknown tensor 'meta_net.linear1.bias' (coop has exactly [ctx])");
      assertThatThrownBy(() -> other.loadState(Map.of("ctx", new FloatTensor(new long[] {16, 64}, new float[16 * 64]))))
          .hasMessage("coop learner state: tensor 'ctx' has shape [16, 64], expected [4, 64]"
              + " (n_ctx 4 and the text width 64 here)");
      assertThat(ctx(other)).containsExactly(ctx(trained)); // a refused state changes nothing
    }
  }

  @Test
  void newClassNamesKeepTheLearnedContextAndRebuildOnlyThePrompts() {
    try (CoOpLearner learner = coop(tiny, ToyProblem.BASE, random(4, ClassTokenPosition.END), 1);
        CoOpLearner fresh = coop(tiny, ToyProblem.NEW, random(4, ClassTokenPosition.END), 5);
        NDManager m = EngineRuntime.engine().newBaseManager()) {
      float[] learned = ctx(learner);
      assertThat(learner.textFeatures(m, null).getShape()).isEqualTo(new Shape(3, 64));
      learner.setClassNames(ToyProblem.NEW);
      assertThat(learner.classNames()).isEqualTo(ToyProblem.NEW);
      assertThat(ctx(learner)).containsExactly(learned);
      float[] features = learner.textFeatures(m, null).toFloatArray();
      assertThat(learner.textFeatures(m, null).getShape()).isEqualTo(new Shape(4, 64));
      fresh.loadState(Map.of("ctx", new FloatTensor(new long[] {4, 64}, learned)));
      assertThat(fresh.textFeatures(m, null).toFloatArray()).containsExactly(features);
      List<Reference.Prompt> prompts = new ArrayList<>();
      for (String c : ToyProblem.NEW) {
        prompts.add(Reference.coop(tiny, "X X X X", c, learned, 4, ClassTokenPosition.END));
      }
      assertThat(Reference.maxDiff(features, Reference.encode(tiny, prompts))).isLessThan(1e-5);
    }
  }

  @Test
  void classSpecificContextServesItsClassesAndRefusesAnotherClassCount() {
    try (CoOpLearner learner = coop(tiny, CLASSES, new CoOpSettings(2, "", true, ClassTokenPosition.FRONT), 1);
        NDManager m = EngineRuntime.engine().newBaseManager()) {
      float[] ctx = ctx(learner);
      assertThat(ctx).hasSize(3 * 2 * 64);
      List<Reference.Prompt> prompts = new ArrayList<>();
      for (int c = 0; c < 3; c++) {
        prompts.add(Reference.coop(tiny, "X X", CLASSES.get(c), Arrays.copyOfRange(ctx, c * 128, (c + 1) * 128), 2,
            ClassTokenPosition.FRONT));
      }
      assertThat(Reference.maxDiff(learner.textFeatures(m, null).toFloatArray(), Reference.encode(tiny, prompts)))
          .isLessThan(1e-5);
      assertThatThrownBy(() -> learner.setClassNames(ToyProblem.NEW))
          .isInstanceOf(InputException.class)
          .hasMessage("learner.coop.csc: the class-specific context was learned for 3 classes and cannot serve 4 class"
              + " names; only a shared context (csc = false) carries over to other classes");
      assertThat(learner.classNames()).isEqualTo(CLASSES);
      learner.setClassNames(ToyProblem.BASE); // the same count: the i-th context serves the i-th name
      assertThat(ctx(learner)).containsExactly(ctx);
      assertThat(learner.textFeatures(m, null).getShape()).isEqualTo(new Shape(3, 64));
      assertThatThrownBy(() -> learner.loadState(Map.of("ctx", new FloatTensor(new long[] {2, 2, 64}, new float[256]))))
          .hasMessage("coop learner state: tensor 'ctx' has shape [2, 2, 64], expected [3, 2, 64]"
              + " (the class-specific context has one row per class: 3 class names here)");
    }
  }
}
