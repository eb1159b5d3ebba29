package org.ckcoop.core.ckcoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ckcoop.backbone.BackboneOptions;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.backbone.checkpoint.Activation;
import org.ckcoop.backbone.checkpoint.ClipArchitecture;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.backbone.checkpoint.RandomCheckpoints;
import org.ckcoop.backbone.checkpoint.RandomWeights;
import org.ckcoop.backbone.checkpoint.TowerShape;
import org.ckcoop.backbone.text.ClipTokenizer;
import org.ckcoop.core.config.ConfigException;
import org.ckcoop.core.config.LayeredConfig;
import org.ckcoop.core.fixture.TinyBackbones;
import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.plugin.LearnerRegistry;
import org.ckcoop.core.prompt.ClassTokenPosition;
import org.ckcoop.core.run.CoreSettings;
import org.ckcoop.core.run.RunPlan;
import org.ckcoop.core.train.CachedFeatures;
import org.ckcoop.core.train.EpochSummary;
import org.ckcoop.core.train.ToyTrainingAccess;
import org.ckcoop.core.train.TrainingResult;
import org.ckcoop.dictionary.KMeansOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

class CkCoOpLearnerTest {
  @TempDir Path dir;

  private static CkCoOpSettings settings(String... overrides) {
    LearnerRegistry registry = LearnerRegistry.discover();
    LayeredConfig.Builder b = LayeredConfig.builder(CoreSettings.schema(registry)).override("learner.name=ckcoop");
    for (String o : overrides) {
      b.override("learner.ckcoop." + o);
    }
    return (CkCoOpSettings) RunPlan.from(b.build(), registry).learnerSettings();
  }

  private CkCoOpLearner learner(ClipBackbone backbone, CkCoOpSettings s) {
    return new CkCoOpLearner(new LearnerContext(backbone, ToyTrainingAccess.classes(), s, LearnerContext.DEFAULT_TEMPLATE, 1),
        new DictionaryStore(dir.resolve("cache")));
  }

  /**
   * CK-CoOp's text features for class names ending in punctuation equal CoOp's forward written out
   * by hand from the golden token ids of {@code tools/reference/coop_prompt_tokens.py} (CLIP's real
   * vocabulary; skipped without {@code ../shared/clip-bpe}): token embeddings of
   * {@code clip.tokenize("X X X X " + name + ".")}, {@code token_prefix} = position 0,
   * {@code token_suffix} = positions 5.., split at {@code name_len} for middle/front, read at argmax.
   */
  @ParameterizedTest
  @EnumSource(ClassTokenPosition.class)
  void punctuatedClassNamesGiveTheOfficialPromptsFeatures(ClassTokenPosition position) throws Exception {
    JsonNode golden;
    try (InputStream in = getClass().getResourceAsStream("/org/ckcoop/core/prompt/coop-prompt-tokens.json")) {
      golden = new ObjectMapper().readTree(in);
    }
    List<JsonNode> cases = new java.util.ArrayList<>();
    for (JsonNode c : golden.get("cases")) {
      if (c.get("n_ctx").asInt() == 4 && c.get("ctx_init").asText().isEmpty()
          && c.get("position").asText().equals(position.name().toLowerCase(java.util.Locale.ROOT))) {
        cases.add(c);
      }
    }
    List<String> names = cases.stream().map(c -> c.get("class_name").asText()).toList();
    try (ClipBackbone backbone = TinyBackbones.withClipVocabulary(6);
        CkCoOpLearner learner = new CkCoOpLearner(new LearnerContext(backbone, names,
            settings("k=16", "factor_shapes=4x2, 2x4, 2x8", "use_dictionary=false", "coefficient_init=random",
                "ctx_init=", "n_ctx=4", "class_token_position=" + position.name().toLowerCase(java.util.Locale.ROOT)),
            LearnerContext.DEFAULT_TEMPLATE, 1), new DictionaryStore(dir.resolve("cache")));
        NDManager m = EngineRuntime.engine().newBaseManager()) {
      int width = 64;
      float[] ctx = learner.context(m).toFloatArray();
      float[] prompts = new float[cases.size() * 77 * width];
      int[] eot = new int[cases.size()];
      for (int i = 0; i < cases.size(); i++) {
        JsonNode c = cases.get(i);
        long[] ids = new long[77];
        for (int t = 0; t < c.get("tokenized").size(); t++) {
          ids[t] = c.get("tokenized").get(t).asLong();
        }
        eot[i] = c.get("eot").asInt();
        float[] e = backbone.embedTokens(m.create(ids, new Shape(1, 77))).toFloatArray();
        int nameLen = c.get("name_len").asInt();
        // rows of the official concatenation: -1 - k for context vector k, else a row of e
        List<Integer> rows = new java.util.ArrayList<>(List.of(0));
        List<Integer> suffix = java.util.stream.IntStream.range(5, 77).boxed().toList();
        switch (position) {
          case END -> {
            rows.addAll(List.of(-1, -2, -3, -4));
            rows.addAll(suffix);
          }
          case MIDDLE -> {
            rows.addAll(List.of(-1, -2));
            rows.addAll(suffix.subList(0, nameLen));
            rows.addAll(List.of(-3, -4));
            rows.addAll(suffix.subList(nameLen, suffix.size()));
          }
          case FRONT -> {
            rows.addAll(suffix.subList(0, nameLen));
            rows.addAll(List.of(-1, -2, -3, -4));
            rows.addAll(suffix.subList(nameLen, suffix.size()));
          }
        }
        assertThat(rows).hasSize(77);
        for (int p = 0; p < 77; p++) {
          int r = rows.get(p);
          float[] from = r < 0 ? ctx : e;
          int row = r < 0 ? -1 - r : r;
          System.arraycopy(from, row * width, prompts, (i * 77 + p) * width, width);
        }
      }
      float[] expected = backbone.encodeTokenEmbeddings(m.create(prompts, new Shape(cases.size(), 77, width)), eot)
          .toFloatArray();
      float[] actual = learner.textFeatures(m, null).toFloatArray();
      assertThat(actual).hasSameSizeAs(expected);
      for (int i = 0; i < expected.length; i++) {
        assertThat(actual[i]).as(position + " feature " + i).isCloseTo(expected[i], offset(1e-5f));
      }
    }
  }

  @Test
  void defaultsHave1184LearnableParametersAtWidth512() {
    ClipArchitecture wide = new ClipArchitecture(64, 32, 8, new TowerShape(64, 1, 1, 256, Activation.QUICK_GELU, 1e-5),
        16, RandomCheckpoints.smallVocabulary().size(), new TowerShape(512, 1, 8, 2048, Activation.QUICK_GELU, 1e-5));
    try (ClipBackbone backbone = ClipBackbone.create(RandomWeights.generate(wide, 4),
            ClipTokenizer.of(RandomCheckpoints.smallVocabulary()), BackboneOptions.defaults().withDevice("cpu"));
        CkCoOpLearner learner = learner(backbone, settings())) {
      assertThat(learner.kroneckerShape().toString()).isEqualTo(org.ckcoop.kronecker.KroneckerShape.balanced(256, 512, 3).toString());
      assertThat(learner.learnableParameterCount()).isEqualTo(1184);
      assertThat(learner.stateTensors().keySet()).containsExactly("coefficients", "dictionary",
          "kronecker.factors.0", "kronecker.factors.1", "kronecker.factors.2");
    }
  }

  @Test
  void onAResNetBackboneItClassifiesTheResNetTowersFeatures() {
    try (ClipBackbone backbone = TinyBackbones.resNet(3);
        CkCoOpLearner learner = learner(backbone, settings("k=16"));
        NDManager m = EngineRuntime.engine().newBaseManager()) {
      assertThat(backbone.architecture().describe()).startsWith("ResNet 64px");
      SplittableRandom random = new SplittableRandom(4);
      float[] v = new float[2 * 3 * 64 * 64];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) random.nextGaussian();
      }
      ai.djl.ndarray.NDArray pixels = m.create(v, new Shape(2, 3, 64, 64));
      ai.djl.ndarray.NDArray image = backbone.encodeImages(pixels);
      float[] logits = learner.forward(new org.ckcoop.core.learner.LearnerBatch(m, image, pixels, null, false))
          .logits().toFloatArray();
      float[] expected = org.ckcoop.core.classify.PromptClassifier.logits(image, learner.textFeatures(m, image),
          backbone.logitScale()).toFloatArray();
      assertThat(logits).hasSize(2 * ToyTrainingAccess.classes().size());
      for (int i = 0; i < expected.length; i++) {
        assertThat(logits[i]).isCloseTo(expected[i], offset(1e-4f));
      }
    }
  }

  @Test
  void underscoresInCtxInitAreSpacesAsInCoOp() {
    try (ClipBackbone backbone = TinyBackbones.create(3);
        CkCoOpLearner spaced = learner(backbone, settings("k=16", "ctx_init=a photo of a"));
        CkCoOpLearner underscored = learner(backbone, settings("k=16", "ctx_init=a_photo_of_a"));
        NDManager m = EngineRuntime.engine().newBaseManager()) {
      float[] expected = spaced.stateTensors().get("coefficients").toFloatArray();
      assertThat(expected).hasSize(4 * 16);
      assertThat(underscored.stateTensors().get("coefficients").toFloatArray()).containsExactly(expected);
      assertThat(underscored.textFeatures(m, null).toFloatArray()).containsExactly(spaced.textFeatures(m, null).toFloatArray());
    }
  }

  @Test
  void theContextIsTheFormulaForHandSetTensors() {
    try (ClipBackbone backbone = TinyBackbones.create(3);
        CkCoOpLearner learner = learner(backbone, settings("k=16", "factor_shapes=4x2, 2x4, 2x8", "alpha=0.5"));
        NDManager m = EngineRuntime.engine().newBaseManager()) {
      SplittableRandom random = new SplittableRandom(9);
      Map<String, FloatTensor> state = new LinkedHashMap<>();
      learner.stateTensors().forEach((name, a) -> {
        float[] v = new float[(int) a.getShape().size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) random.nextGaussian();
        }
        state.put(name, new FloatTensor(a.getShape().getShape(), v));
      });
      learner.loadState(state);
      float[] c = state.get("coefficients").data();
      float[] d = state.get("dictionary").data();
      float[] a = state.get("kronecker.factors.0").data(); // 4x2
      float[] b = state.get("kronecker.factors.1").data(); // 2x4
      float[] e = state.get("kronecker.factors.2").data(); // 2x8
      int k = 16;
      int width = 64;
      float[] expected = new float[4 * width];
      for (int row = 0; row < 4; row++) {
        for (int col = 0; col < width; col++) {
          double s = 0;
          for (int j = 0; j < k; j++) {
            // K[j, col] with j = (i1 * 2 + i2) * 2 + i3 and col = (c1 * 4 + c2) * 8 + c3
            int i1 = j / 4;
            int i2 = (j / 2) % 2;
            int i3 = j % 2;
            int c1 = col / 32;
            int c2 = (col / 8) % 4;
            int c3 = col % 8;
            double kron = a[i1 * 2 + c1] * b[i2 * 4 + c2] * e[i3 * 8 + c3];
            s += c[row * k + j] * (d[j * width + col] + 0.5 * kron);
          }
          expected[row * width + col] = (float) s;
        }
      }
      float[] actual = learner.context(m).toFloatArray();
      for (int i = 0; i < expected.length; i++) {
        assertThat(actual[i]).isCloseTo(expected[i], offset(1e-3f));
      }
    }
  }

  @Test
  void theRidgeFitRecoversKnownCoefficients() {
    int k = 6;
    int width = 20;
    SplittableRandom random = new SplittableRandom(1);
    float[] d = new float[k * width];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) random.nextGaussian();
    }
    float[] truth = {0.5f, -1f, 0, 2f, 0.25f, 0, 0, 1, 0, 0, 0, -0.5f};
    float[] x = new float[2 * width];
    for (int r = 0; r < 2; r++) {
      for (int col = 0; col < width; col++) {
        for (int j = 0; j < k; j++) {
          x[r * width + col] += truth[r * k + j] * d[j * width + col];
        }
      }
    }
    float[] fitted = CkCoOpLearner.ridgeFit(x, d, 2, k, width, 1e-9);
    for (int i = 0; i < truth.length; i++) {
      assertThat(fitted[i]).isCloseTo(truth[i], offset(1e-3f));
    }
  }

  @Test
  void trainingLowersTheLossAndNeverMovesTheDictionaryOrTheBackbone() {
    try (ClipBackbone backbone = TinyBackbones.create(11)) {
      CachedFeatures data = ToyTrainingAccess.data(backbone, 12, 5);
      // Random coefficients: the toy data is built from "a photo of a <class>." features, so the
      // words init already sits near its optimum and leaves nothing to learn.
      for (boolean kronecker : new boolean[] {true, false}) {
        try (CkCoOpLearner learner = learner(backbone, settings("k=32", "use_kronecker=" + kronecker, "coefficient_init=random"));
            NDManager m = EngineRuntime.engine().newBaseManager()) {
          float[] table = backbone.tokenEmbeddingTable(m).toFloatArray();
          float[] dictionary = learner.stateTensors().get("dictionary").toFloatArray();
          float[] factor1 = learner.stateTensors().get("kronecker.factors.1").toFloatArray();
          assertThat(learner.trainableParameters().keySet()).first().isEqualTo("coefficients");
          assertThat(learner.trainableParameters()).hasSize(kronecker ? 4 : 1);
          RunPlan recipe = plan("optim.lr=0.01", "train.epochs=5", "train.batch_size=8");
          TrainingResult result = recipe.train(learner, backbone, data, recipe.provenance(backbone, "toy-split"),
              dir.resolve("run-" + kronecker), false, List.of());
          List<Double> losses = result.history().stream().map(EpochSummary::loss).toList();
          assertThat(losses.get(4)).as(losses.toString()).isLessThan(losses.get(1));
          assertThat(learner.stateTensors().get("dictionary").toFloatArray()).containsExactly(dictionary);
          assertThat(backbone.tokenEmbeddingTable(m).toFloatArray()).containsExactly(table);
          if (kronecker) {
            assertThat(learner.stateTensors().get("kronecker.factors.0").toFloatArray()).as("the zero factor moved")
                .isNotEqualTo(new float[learner.stateTensors().get("kronecker.factors.0").toFloatArray().length]);
          } else {
            assertThat(learner.stateTensors().get("kronecker.factors.1").toFloatArray()).containsExactly(factor1);
          }
        }
      }
    }
  }

  private static RunPlan plan(String... overrides) {
    LearnerRegistry registry = LearnerRegistry.discover();
    LayeredConfig.Builder b = LayeredConfig.builder(CoreSettings.schema(registry)).override("learner.name=ckcoop");
    for (String o : overrides) {
      b.override(o);
    }
    return RunPlan.from(b.build(), registry);
  }

  @Test
  void theDictionaryIsComputedOnceAndReusedAndACorruptCacheIsRebuilt() throws Exception {
    try (ClipBackbone backbone = TinyBackbones.create(3)) {
      DictionaryStore store = new DictionaryStore(dir.resolve("cache"));
      KMeansOptions options = KMeansOptions.defaults(16);
      DictionaryStore.Dictionary first = store.get(backbone, options);
      DictionaryStore.Dictionary second = store.get(backbone, options);
      assertThat(first.cached()).isFalse();
      assertThat(second.cached()).isTrue();
      assertThat(second.centroids()).containsExactly(first.centroids());
      assertThat(second.provenance()).containsEntry("backbone_identity", backbone.identity());
      assertThat(store.get(backbone, options.withSeed(5)).cached()).isFalse();
      Files.writeString(first.file(), "garbage");
      DictionaryStore.Dictionary rebuilt = store.get(backbone, options);
      assertThat(rebuilt.cached()).isFalse();
      assertThat(rebuilt.centroids()).containsExactly(first.centroids());
    }
  }

  @Test
  void theShippedConfigAndEveryAblationBind() throws Exception {
    Path configs = Path.of(System.getProperty("ckcoop.repo.dir", "..")).resolve("configs/learners");
    LearnerRegistry registry = LearnerRegistry.discover();
    RunPlan base = RunPlan.from(LayeredConfig.builder(CoreSettings.schema(registry))
        .learnerFile(configs.resolve("ckcoop.yaml")).build(), registry);
    assertThat(base.learnerSettings()).isEqualTo(settings());
    List<Path> ablations;
    try (var files = Files.list(configs.resolve("ckcoop-ablations"))) {
      ablations = files.sorted().toList();
    }
    assertThat(ablations).hasSize(7);
    for (Path ablation : ablations) {
      RunPlan plan = RunPlan.from(LayeredConfig.builder(CoreSettings.schema(registry))
          .learnerFile(configs.resolve("ckcoop.yaml")).experimentFile(ablation).build(), registry);
      assertThat(plan.learnerSettings()).as(ablation.toString()).isNotEqualTo(base.learnerSettings());
      assertThat(plan.resolved().hash()).isNotEqualTo(base.resolved().hash());
    }
  }

  @Test
  void impossibleSettingsNameTheKey() {
    assertThatThrownBy(() -> settings("use_dictionary=false", "use_kronecker=false"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("use_dictionary and use_kronecker cannot both be false");
    assertThatThrownBy(() -> settings("use_dictionary=false"))
        .hasMessageContaining("coefficient_init = words fits the coefficients to D_com");
    try (ClipBackbone backbone = TinyBackbones.create(3)) {
      assertThatThrownBy(() -> learner(backbone, settings("k=16", "factor_shapes=3x2, 2x32")))
          .hasMessageContaining("learner.ckcoop.factor_shapes")
          .hasMessageContaining("k = 16, width = 64");
      try (PromptLearner ablation = learner(backbone, settings("k=16", "use_dictionary=false", "coefficient_init=random"))) {
        assertThat(ablation.learnableParameterCount()).isEqualTo(4 * 16 + learnerFactorCount(ablation));
      }
    }
  }

  private static long learnerFactorCount(PromptLearner learner) {
    return learner.trainableParameters().entrySet().stream().filter(e -> e.getKey().startsWith("kronecker"))
        .mapToLong(e -> e.getValue().getShape().size()).sum();
  }
}
