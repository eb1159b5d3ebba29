package org.ckcoop.baselines;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.baselines.cocoop.CoCoOpLearner;
import org.ckcoop.baselines.cocoop.CoCoOpSettings;
import org.ckcoop.baselines.coop.CoOpLearner;
import org.ckcoop.baselines.coop.CoOpSettings;
import org.ckcoop.baselines.fixture.Reference;
import org.ckcoop.baselines.fixture.TinyBackbones;
import org.ckcoop.baselines.fixture.ToyProblem;
import org.ckcoop.baselines.kgcoop.KgCoOpLearner;
import org.ckcoop.baselines.kgcoop.KgCoOpSettings;
import org.ckcoop.baselines.zsclip.ZsClipLearner;
import org.ckcoop.baselines.zsclip.ZsClipSettings;
import org.ckcoop.core.classify.Accuracy;
import org.ckcoop.core.classify.PromptClassifier;
import org.ckcoop.core.config.LayeredConfig;
import org.ckcoop.core.learner.LearnerStateFile;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.optim.LearningRateSchedule;
import org.ckcoop.core.plugin.LearnerRegistry;
import org.ckcoop.core.prompt.ClassTokenPosition;
import org.ckcoop.core.run.CoreSettings;
import org.ckcoop.core.run.RunPlan;
import org.ckcoop.core.train.CachedFeatures;
import org.ckcoop.core.train.OptimSettings;
import org.ckcoop.core.train.TrainSettings;
import org.ckcoop.core.train.TrainingResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The four learners are plugins found by name, their settings' defaults are the field's, and the
 * shipped configs under {@code configs/learners} bind, train and predict through the common contract.
 */
class PluginsAndConfigsTest {
  static final LearnerRegistry REGISTRY = LearnerRegistry.discover();
  @TempDir Path dir;

  static Path shipped(String name) {
    Path file = Path.of(System.getProperty("ckcoop.repo.dir", "..")).resolve("configs/learners/" + name + ".yaml");
    assertThat(file).isRegularFile();
    return file;
  }

  static RunPlan plan(Path learnerFile, String... overrides) {
    LayeredConfig.Builder builder = LayeredConfig.builder(CoreSettings.schema(REGISTRY)).learnerFile(learnerFile);
    for (String o : overrides) {
      builder.override(o);
    }
    return RunPlan.from(builder.build(), REGISTRY);
  }

  static RunPlan defaults(String name) {
    return RunPlan.from(LayeredConfig.builder(CoreSettings.schema(REGISTRY)).override("learner.name=" + name).build(),
        REGISTRY);
  }

  @Test
  void allFourLearnersAreDiscoveredByName() {
    assertThat(REGISTRY.names()).contains("cocoop", "coop", "kgcoop", "zsclip");
    for (String name : REGISTRY.names()) {
      assertThat(REGISTRY.factory(name).name()).isEqualTo(name);
      assertThat(REGISTRY.factory(name).description()).isNotBlank();
    }
    assertThat(REGISTRY.factory("coop").settingsType()).isEqualTo(CoOpSettings.class);
    assertThat(REGISTRY.factory("cocoop").settingsType()).isEqualTo(CoCoOpSettings.class);
    assertThat(REGISTRY.factory("kgcoop").settingsType()).isEqualTo(KgCoOpSettings.class);
    assertThat(REGISTRY.factory("zsclip").settingsType()).isEqualTo(ZsClipSettings.class);
  }

  @Test
  void settingDefaultsAreTheReferenceCodes() {
    assertThat(defaults("coop").learnerSettings()).isEqualTo(new CoOpSettings(16, "", false, ClassTokenPosition.END));
    assertThat(defaults("cocoop").learnerSettings()).isEqualTo(new CoCoOpSettings(4, "a photo of a"));
    assertThat(defaults("kgcoop").learnerSettings()).isEqualTo(new KgCoOpSettings(4, "a photo of a", 8.0));
    assertThat(defaults("zsclip").learnerSettings()).isEqualTo(new ZsClipSettings(List.of(), true));
    assertThat(defaults("coop").resolved().values()).containsEntry("learner.coop.n_ctx", "16")
        .containsEntry("learner.coop.class_token_position", "end").containsEntry("learner.coop.csc", "false");
  }

  @Test
  void shippedConfigsHoldTheFieldsRecipes() {
    OptimSettings coopOptim = new OptimSettings(OptimSettings.OptimizerName.SGD, 0.002, 0.9, 5e-4, 0.9, 0.999, 1e-8,
        LearningRateSchedule.Kind.COSINE, 1, LearningRateSchedule.Warmup.CONSTANT, 1e-5);

    RunPlan coop = plan(shipped("coop"));
    assertThat(coop.factory().name()).isEqualTo("coop");
    assertThat(coop.learnerSettings()).isEqualTo(new CoOpSettings(4, "a photo of a", false, ClassTokenPosition.END));
    assertThat(coop.optim()).isEqualTo(coopOptim);
    assertThat(coop.train()).isEqualTo(new TrainSettings(200, 32, true, 1, 100));

    RunPlan cocoop = plan(shipped("cocoop"));
    assertThat(cocoop.learnerSettings()).isEqualTo(new CoCoOpSettings(4, "a photo of a"));
    assertThat(cocoop.optim()).isEqualTo(coopOptim);
    assertThat(cocoop.train()).isEqualTo(new TrainSettings(10, 1, true, 1, 100));

    RunPlan kgcoop = plan(shipped("kgcoop"));
    assertThat(kgcoop.learnerSettings()).isEqualTo(new KgCoOpSettings(4, "a photo of a", 8.0));
    assertThat(kgcoop.optim()).isEqualTo(coopOptim);
    assertThat(kgcoop.train()).isEqualTo(new TrainSettings(100, 32, true, 1, 100));

    RunPlan zsclip = plan(shipped("zsclip"));
    assertThat(zsclip.learnerSettings()).isEqualTo(new ZsClipSettings(List.of(), true));

    RunPlan prograd = plan(shipped("prograd"));
    assertThat(prograd.learnerSettings()).isEqualTo(new org.ckcoop.baselines.prograd.ProGradSettings(16, "", 1.0, 1.0));
    assertThat(prograd.optim()).isEqualTo(coopOptim);
    assertThat(prograd.train()).isEqualTo(new TrainSettings(100, 32, true, 1, 100));

    RunPlan maple = plan(shipped("maple"));
    assertThat(maple.learnerSettings()).isEqualTo(new org.ckcoop.baselines.maple.MapleSettings(2, "a photo of a", 9));
    OptimSettings mapleOptim = new OptimSettings(OptimSettings.OptimizerName.SGD, 0.0035, 0.9, 5e-4, 0.9, 0.999, 1e-8,
        coopOptim.schedule(), 1, coopOptim.warmupType(), 1e-5);
    assertThat(maple.optim()).isEqualTo(mapleOptim);
    assertThat(maple.train()).isEqualTo(new TrainSettings(5, 4, true, 1, 100));
    RunPlan ivlp = plan(shipped("ivlp"));
    assertThat(ivlp.learnerSettings()).isEqualTo(new org.ckcoop.baselines.ivlp.IvlpSettings(2, 2, "a photo of a", 12, 12));
    assertThat(ivlp.optim()).isEqualTo(mapleOptim);
    assertThat(ivlp.train()).isEqualTo(new TrainSettings(5, 4, true, 1, 100));

    RunPlan promptsrc = plan(shipped("promptsrc"));
    assertThat(promptsrc.learnerSettings()).isEqualTo(new org.ckcoop.baselines.promptsrc.PromptSrcSettings(4, 4,
        "a photo of a", 9, 9, 25, 10, 15, 1, List.of()));
    assertThat(promptsrc.optim()).isEqualTo(new OptimSettings(OptimSettings.OptimizerName.SGD, 0.0025, 0.9, 5e-4, 0.9,
        0.999, 1e-8, coopOptim.schedule(), 1, coopOptim.warmupType(), 1e-5));
    assertThat(promptsrc.train()).isEqualTo(new TrainSettings(20, 4, true, 1, 100));

    for (RunPlan p : List.of(coop, cocoop, kgcoop, zsclip, prograd, maple, ivlp, promptsrc)) {
      assertThat(p.resolved().unusedKeys()).as(p.factory().name()).isEmpty();
    }
  }

  @Test
  void shippedConfigsTrainAndPredictOnNewClassesThroughTheContract() throws Exception {
    try (ClipBackbone tiny = TinyBackbones.tiny(11)) {
      CachedFeatures base = ToyProblem.data(tiny, ToyProblem.BASE, 4, 1.0, 5);
      CachedFeatures fresh = ToyProblem.data(tiny, ToyProblem.NEW, 3, 1.0, 6);
      float[] images = ToyProblem.features(fresh);
      String template = "a photo of a {}.";
      for (String name : List.of("coop", "cocoop", "kgcoop", "prograd")) {
        // the recipe as shipped, shortened; batch 4 for CoCoOp keeps this quick (the recipe's is 1);
        // ProGrad's 16 context vectors do not fit the tiny model's 16-token context: 4 here
        RunPlan plan = name.equals("prograd")
            ? plan(shipped(name), "train.epochs=2", "train.batch_size=4", "learner.prograd.n_ctx=4")
            : plan(shipped(name), "train.epochs=2", "train.batch_size=4");
        Path run = dir.resolve(name);
        TrainingResult result;
        try (PromptLearner learner = plan.newLearner(tiny, ToyProblem.BASE, template)) {
          result = plan.train(learner, tiny, base, plan.provenance(tiny, "toy-split"), run, false, List.of());
        }
        assertThat(result.history()).hasSize(2);
        assertThat(Files.readString(run.resolve("resolved-config.properties"))).contains("learner.name = " + name);
        LearnerStateFile state = LearnerStateFile.read(result.stateFile());
        assertThat(state.learner()).isEqualTo(name);
        assertThat(state.classNames()).isEqualTo(ToyProblem.BASE);
        assertThat(state.learnerConfig()).containsEntry("learner." + name + ".n_ctx", "4");
        // predict on the new class names with the trained state
        try (PromptLearner learner = plan.newLearner(tiny, ToyProblem.NEW, template)) {
          learner.loadState(state.tensors());
          learner.stateTensors().forEach((tensor, array) ->
              assertThat(array.toFloatArray()).as(name + " " + tensor).containsExactly(state.tensors().get(tensor).data()));
          float[] logits = PromptClassifier.logits(learner, tiny, images, fresh.size(), 5);
          assertThat(logits).hasSize(fresh.size() * 4);
          checkAgainstReference(name, learner, tiny, images, logits);
        }
      }
      RunPlan zsclip = plan(shipped("zsclip"));
      try (PromptLearner learner = zsclip.newLearner(tiny, ToyProblem.NEW, template)) {
        assertThat(learner).isInstanceOf(ZsClipLearner.class);
        Accuracy accuracy = zsclip.evaluate(learner, tiny, images, ToyProblem.labels(fresh));
        assertThat(accuracy.count()).isEqualTo(12);
        float[] logits = PromptClassifier.logits(learner, tiny, images, fresh.size(), 5);
        double[] reference = Reference.logits(images, Reference.encodeTexts(tiny, List.of("a photo of a yellow heart.",
            "a photo of a purple ring.", "a photo of a black cross.", "a photo of a white diamond.")), 64, tiny.logitScale());
        assertThat(Reference.maxDiff(logits, reference)).isLessThan(1e-4);
      }
    }
  }

  /** Recomputes the logits from the learner's state with the by-hand prompts of {@link Reference}. */
  private static void checkAgainstReference(String name, PromptLearner learner, ClipBackbone tiny, float[] images,
      float[] logits) {
    float[] ctx = learner.stateTensors().get("ctx").toFloatArray();
    if (learner instanceof CoCoOpLearner cocoop) {
      assertThat(name).isEqualTo("cocoop");
      try (ai.djl.ndarray.NDManager m = org.ckcoop.common.engine.EngineRuntime.engine().newBaseManager()) {
        int n = images.length / 64;
        float[] shifted = cocoop.shiftedContext(m.create(images, new ai.djl.ndarray.types.Shape(n, 64))).toFloatArray();
        for (int b = 0; b < n; b++) {
          float[] mine = java.util.Arrays.copyOfRange(shifted, b * 4 * 64, (b + 1) * 4 * 64);
          List<Reference.Prompt> prompts = ToyProblem.NEW.stream()
              .map(c -> Reference.coop(tiny, "a photo of a", c, mine, 4, ClassTokenPosition.END)).toList();
          double[] row = Reference.logits(java.util.Arrays.copyOfRange(images, b * 64, (b + 1) * 64),
              Reference.encode(tiny, prompts), 64, tiny.logitScale());
          assertThat(Reference.maxDiff(java.util.Arrays.copyOfRange(logits, b * 4, (b + 1) * 4), row)).isLessThan(1e-4);
        }
      }
      return;
    }
    // ProGrad at n_ctx 4 with the template "a photo of a {}." has no zero vectors: the placeholder is the words
    assertThat(learner).isInstanceOfAny(CoOpLearner.class, KgCoOpLearner.class,
        org.ckcoop.baselines.prograd.ProGradLearner.class);
    List<Reference.Prompt> prompts = ToyProblem.NEW.stream()
        .map(c -> Reference.coop(tiny, "a photo of a", c, ctx, 4, ClassTokenPosition.END)).toList();
    double[] reference = Reference.logits(images, Reference.encode(tiny, prompts), 64, tiny.logitScale());
    assertThat(Reference.maxDiff(logits, reference)).as(name).isLessThan(1e-4);
  }
}
