package org.ckcoop.baselines.kgcoop;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.baselines.fixture.Reference;
import org.ckcoop.baselines.fixture.TinyBackbones;
import org.ckcoop.baselines.fixture.ToyProblem;
import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.LearnerStateFile;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.prompt.ClassTokenPosition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ckcoop.core.learner.text.TextPromptLearner;

class KgCoOpLearnerTest {
  static ClipBackbone tiny;
  static final KgCoOpSettings DEFAULTS = new KgCoOpSettings(4, "a photo of a", 8.0);
  static final String TEMPLATE = "a photo of a {}.";
  @TempDir Path dir;

  @BeforeAll
  static void load() {
    tiny = TinyBackbones.tiny(3);
  }

  @AfterAll
  static void close() {
    tiny.close();
  }

  static KgCoOpLearner kgcoop(List<String> classes, KgCoOpSettings settings, String template) {
    return (KgCoOpLearner) ToyProblem.learner("kgcoop", tiny, classes, settings, template, 1);
  }

  static float term(TextPromptLearner learner) {
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      NDArray text = learner.textFeatures(m, null);
      NDArray loss = learner.extraLoss(m, text);
      assertThat(loss.getShape()).isEqualTo(new Shape());
      return loss.getFloat();
    }
  }

  /** Adds N(0, std^2) to the context. */
  static void perturb(PromptLearner learner, double std, long seed) {
    float[] ctx = learner.stateTensors().get("ctx").toFloatArray();
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < ctx.length; i++) {
      ctx[i] += (float) (std * random.nextGaussian());
    }
    learner.loadState(Map.of("ctx", new FloatTensor(new long[] {4, 64}, ctx)));
  }

  /** {@code w * (1 - mean_c cos(learned_c, hand-crafted_c))} in doubles. */
  static double byHand(TextPromptLearner learner, List<String> classes, String template, double w) {
    float[] learned;
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      learned = learner.textFeatures(m, null).toFloatArray();
    }
    double[] a = Reference.unitRows(learned, 64);
    double[] b = Reference.unitRows(Reference.encodeTexts(tiny,
        classes.stream().map(c -> template.replace("{}", c.replace('_', ' '))).toList()), 64);
    double cos = 0;
    for (int i = 0; i < a.length; i++) {
      cos += a[i] * b[i];
    }
    return w * (1 - cos / classes.size());
  }

  @Test
  void theTermIsZeroWhenTheLearnedFeaturesAreTheHandCraftedOnes() {
    try (KgCoOpLearner learner = kgcoop(ToyProblem.BASE, DEFAULTS, TEMPLATE)) {
      // initialised from "a photo of a" with the template "a photo of a {}.": the same prompts
      float t = term(learner);
      assertThat(Math.abs(t)).isLessThan(2e-6f);
      assertThat(learner.learnableParameterCount()).isEqualTo(4 * 64);
      assertThat(learner.stateTensors().keySet()).containsExactly("ctx");
    }
  }

  @Test
  void afterPerturbingTheContextTheTermIsPositiveAndAsComputedByHand() {
    try (KgCoOpLearner learner = kgcoop(ToyProblem.BASE, DEFAULTS, TEMPLATE)) {
      perturb(learner, 0.05, 3);
      // CoOp's prompts: [SOT] ctx [class] [.] [EOT], read at the EOT
      float[] ctx = learner.stateTensors().get("ctx").toFloatArray();
      List<Reference.Prompt> prompts = ToyProblem.BASE.stream()
          .map(c -> Reference.coop(tiny, "a photo of a", c, ctx, 4, ClassTokenPosition.END)).toList();
      assertThat(learner.coop().eotPositions()).containsExactly(prompts.stream().mapToInt(Reference.Prompt::eot).toArray());
      try (NDManager m = EngineRuntime.engine().newBaseManager()) {
        assertThat(Reference.maxDiff(learner.textFeatures(m, null).toFloatArray(), Reference.encode(tiny, prompts)))
            .isLessThan(1e-5);
      }
      float t = term(learner);
      assertThat(t).isGreaterThan(1e-3f);
      assertThat((double) t).isCloseTo(byHand(learner, ToyProblem.BASE, TEMPLATE, 8.0),
          org.assertj.core.data.Offset.offset(1e-5));
    }
  }

  @Test
  void theWeightScalesTheTermAndTheTemplateIsTheDatasets() {
    try (KgCoOpLearner eight = kgcoop(ToyProblem.BASE, DEFAULTS, TEMPLATE);
        KgCoOpLearner two = kgcoop(ToyProblem.BASE, new KgCoOpSettings(4, "a photo of a", 2.0), TEMPLATE);
        KgCoOpLearner sketch = kgcoop(ToyProblem.BASE, DEFAULTS, "a sketch of a {}.")) {
      perturb(eight, 0.05, 3);
      perturb(two, 0.05, 3);
      assertThat((double) term(eight) / term(two)).isCloseTo(4.0, org.assertj.core.data.Offset.offset(1e-3));
      // at initialisation, against another template's features, the term is not zero
      float t = term(sketch);
      assertThat(t).isGreaterThan(1e-3f);
      assertThat((double) t).isCloseTo(byHand(sketch, ToyProblem.BASE, "a sketch of a {}.", 8.0),
          org.assertj.core.data.Offset.offset(1e-5));
    }
  }

  @Test
  void newClassNamesGetNewReferenceFeaturesAndKeepTheContext() {
    Path file = dir.resolve("kgcoop.safetensors");
    try (KgCoOpLearner learner = kgcoop(ToyProblem.BASE, DEFAULTS, TEMPLATE);
        KgCoOpLearner other = kgcoop(ToyProblem.NEW, new KgCoOpSettings(4, "", 8.0), TEMPLATE);
        NDManager m = EngineRuntime.engine().newBaseManager()) {
      assertThat(learner.referenceFeatures()).hasSize(3 * 64);
      perturb(learner, 0.05, 4);
      float[] ctx = learner.stateTensors().get("ctx").toFloatArray();
      float before = term(learner);
      learner.setClassNames(ToyProblem.NEW);
      assertThat(learner.referenceFeatures()).hasSize(4 * 64);
      assertThat(Reference.maxDiff(learner.referenceFeatures(), toFloats(Reference.unitRows(Reference.encodeTexts(tiny,
          List.of("a photo of a yellow heart.", "a photo of a purple ring.", "a photo of a black cross.",
              "a photo of a white diamond.")), 64)))).isLessThan(1e-6);
      assertThat(learner.stateTensors().get("ctx").toFloatArray()).containsExactly(ctx);
      float after = term(learner);
      assertThat(after).isNotEqualTo(before);
      assertThat((double) after).isCloseTo(byHand(learner, ToyProblem.NEW, TEMPLATE, 8.0),
          org.assertj.core.data.Offset.offset(1e-5));
      // the state file of the learner loads into one built for the new names (random init there)
      LearnerStateFile.of("kgcoop", learner, Map.of(), tiny.identity()).write(file);
      other.loadState(LearnerStateFile.read(file).tensors());
      assertThat(other.textFeatures(m, null).toFloatArray()).containsExactly(learner.textFeatures(m, null).toFloatArray());
      assertThat(term(other)).isEqualTo(after);
    }
  }

  @Test
  void theTermWithoutAGradientCollectorStillFollowsTheContract() {
    LearnerContext context = new LearnerContext(tiny, ToyProblem.BASE, DEFAULTS, TEMPLATE, 1);
    try (KgCoOpLearner learner = new KgCoOpLearner(context); NDManager m = EngineRuntime.engine().newBaseManager()) {
      NDArray text = learner.textFeatures(m, null);
      NDArray loss = learner.extraLoss(m, text);
      assertThat(loss.getManager()).isSameAs(m);
      assertThat(learner.template()).isEqualTo(TEMPLATE);
    }
  }

  private static float[] toFloats(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }
}
