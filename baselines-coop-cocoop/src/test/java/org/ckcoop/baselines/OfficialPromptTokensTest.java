package org.ckcoop.baselines;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.baselines.cocoop.CoCoOpLearner;
import org.ckcoop.baselines.cocoop.CoCoOpSettings;
import org.ckcoop.baselines.coop.CoOpLearner;
import org.ckcoop.baselines.coop.CoOpSettings;
import org.ckcoop.baselines.fixture.GoldenPromptTokens;
import org.ckcoop.baselines.fixture.Reference;
import org.ckcoop.baselines.fixture.TinyBackbones;
import org.ckcoop.baselines.fixture.ToyProblem;
import org.ckcoop.baselines.kgcoop.KgCoOpLearner;
import org.ckcoop.baselines.kgcoop.KgCoOpSettings;
import org.ckcoop.baselines.zsclip.ZsClipLearner;
import org.ckcoop.baselines.zsclip.ZsClipSettings;
import org.ckcoop.core.classify.PromptClassifier;
import org.ckcoop.core.prompt.ClassTokenPosition;
import org.ckcoop.core.prompt.ContextPrompts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The learners' logits for class names ending in punctuation ("cat (tabby)", "rock & roll!", "A.I.",
 * ...) against CoOp's forward computed by hand from the golden token ids of
 * {@code tools/reference/coop_prompt_tokens.py} (not from the Java tokenizer): token embeddings of
 * {@code clip.tokenize(prefix + " " + name + ".")}, context placed as {@code PromptLearner.forward}
 * does, the text tower read at {@code argmax}, normalised, {@code exp(logit_scale) * cos}. On CLIP's
 * real vocabulary; skipped when {@code ../shared/clip-bpe} is absent.
 */
class OfficialPromptTokensTest {
  static final int WIDTH = 64;
  static final int EMBED = 64;
  static final int IMAGES = 3;
  static ClipBackbone clip;

  @BeforeAll
  static void load() {
    clip = TinyBackbones.withClipVocabulary(8);
  }

  @AfterAll
  static void close() {
    if (clip != null) {
      clip.close();
    }
  }

  static float[] gaussian(int n, double std, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (std * random.nextGaussian());
    }
    return v;
  }

  static List<String> names(List<GoldenPromptTokens.Case> cases) {
    return cases.stream().map(GoldenPromptTokens.Case::className).toList();
  }

  /** Text features [C, E] of the golden prompts with {@code ctx} placed as CoOp does. */
  static float[] official(List<GoldenPromptTokens.Case> cases, float[] ctx) {
    List<Reference.Prompt> prompts = new ArrayList<>();
    for (GoldenPromptTokens.Case c : cases) {
      Reference.Prompt p = Reference.coopFromTokens(clip, c.tokenized(), c.nameLength(), ctx, c.nCtx(), c.position());
      assertThat(p.eot()).isEqualTo(c.eot());
      prompts.add(p);
    }
    return Reference.encode(clip, prompts);
  }

  /** Text features [C, E] with the name and "." tokenised apart (the tokenisation this test guards against). */
  static float[] separate(List<GoldenPromptTokens.Case> cases, String placeholder, float[] ctx) {
    List<Reference.Prompt> prompts = new ArrayList<>();
    for (GoldenPromptTokens.Case c : cases) {
      String name = c.className().replace('_', ' ');
      int[] parts = concat(clip.tokenizer().encode(placeholder), clip.tokenizer().encode(name), clip.tokenizer().encode("."));
      long[] ids = new long[77];
      ids[0] = clip.tokenizer().sotTokenId();
      for (int i = 0; i < parts.length; i++) {
        ids[1 + i] = parts[i];
      }
      ids[1 + parts.length] = clip.tokenizer().eotTokenId();
      prompts.add(Reference.coopFromTokens(clip, ids, c.nameLength(), ctx, c.nCtx(), c.position()));
    }
    return Reference.encode(clip, prompts);
  }

  static int[] concat(int[]... parts) {
    return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
  }

  /** max |a - b| / max |b|. */
  static double relative(float[] a, double[] b) {
    double scale = Arrays.stream(b).map(Math::abs).max().orElse(1);
    return Reference.maxDiff(a, b) / scale;
  }

  @ParameterizedTest
  @EnumSource(ClassTokenPosition.class)
  void coopLogitsEqualTheOfficialForwardOnGoldenTokens(ClassTokenPosition position) {
    for (int nCtx : new int[] {4, 16}) {
      List<GoldenPromptTokens.Case> cases = GoldenPromptTokens.cases(nCtx, "", position);
      float[] ctx = gaussian(nCtx * WIDTH, 0.05, 42 + nCtx);
      float[] images = gaussian(IMAGES * EMBED, 1, 7);
      try (CoOpLearner learner = (CoOpLearner) ToyProblem.learner("coop", clip, names(cases),
          new CoOpSettings(nCtx, "", false, position), "a photo of a {}.", 1);
          NDManager m = EngineRuntime.engine().newBaseManager()) {
        learner.loadState(Map.of("ctx", new FloatTensor(new long[] {nCtx, WIDTH}, ctx)));
        assertThat(learner.eotPositions()).as(position + " n_ctx " + nCtx)
            .containsExactly(cases.stream().mapToInt(GoldenPromptTokens.Case::eot).toArray());
        float[] expected = official(cases, ctx);
        assertThat(Reference.maxDiff(learner.textFeatures(m, null).toFloatArray(), expected)).isLessThan(1e-5);
        float[] logits = PromptClassifier.logits(learner, clip, images, IMAGES, IMAGES);
        double[] reference = Reference.logits(images, expected, EMBED, clip.logitScale());
        double[] before = Reference.logits(images, separate(cases, String.join(" ", Collections.nCopies(nCtx, "X")), ctx),
            EMBED, clip.logitScale());
        // measured 4e-7 .. 1.3e-6 (logits up to ~4.5)
        assertThat(Reference.maxDiff(logits, reference)).as(position + " n_ctx " + nCtx).isLessThan(1e-5);
        // the check can tell the tokenisations apart: tokenising name and "." separately moves the logits
        // by 0.33 .. 0.60 relative (the old ContextPrompts measured the same)
        assertThat(relative(toFloat(before), reference)).isGreaterThan(1e-2);
      }
    }
  }

  static float[] toFloat(double[] x) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) x[i];
    }
    return out;
  }

  @Test
  void cocoopLogitsEqualTheOfficialForwardOnGoldenTokens() {
    List<GoldenPromptTokens.Case> cases = GoldenPromptTokens.cases(4, "a photo of a", ClassTokenPosition.END);
    float[] images = gaussian(IMAGES * EMBED, 1, 9);
    try (CoCoOpLearner learner = (CoCoOpLearner) ToyProblem.learner("cocoop", clip, names(cases),
        new CoCoOpSettings(4, "a photo of a"), "a photo of a {}.", 1);
        NDManager m = EngineRuntime.engine().newBaseManager()) {
      // meta-net with zero weights: pi(x) = b2 for every image, so the shifted context is ctx + b2
      Map<String, FloatTensor> state = new LinkedHashMap<>();
      learner.stateTensors().forEach((name, array) -> state.put(name,
          new FloatTensor(array.getShape().getShape(), new float[Math.toIntExact(array.getShape().size())])));
      float[] ctx = gaussian(4 * WIDTH, 0.05, 3);
      float[] b2 = gaussian(WIDTH, 0.05, 4);
      state.put("ctx", new FloatTensor(new long[] {4, WIDTH}, ctx));
      state.put("meta_net.linear2.bias", new FloatTensor(new long[] {WIDTH}, b2));
      learner.loadState(state);
      float[] shifted = new float[4 * WIDTH];
      for (int i = 0; i < shifted.length; i++) {
        shifted[i] = ctx[i] + b2[i % WIDTH];
      }
      assertThat(learner.eotPositions()).containsExactly(cases.stream().mapToInt(GoldenPromptTokens.Case::eot).toArray());
      float[] expected = official(cases, shifted);
      float[] logits = PromptClassifier.logits(learner, clip, images, IMAGES, IMAGES);
      double[] reference = Reference.logits(images, expected, EMBED, clip.logitScale());
      assertThat(Reference.maxDiff(logits, reference)).isLessThan(1e-5); // measured 9.7e-7
      double[] before = Reference.logits(images, separate(cases, "a photo of a", shifted), EMBED, clip.logitScale());
      assertThat(relative(toFloat(before), reference)).isGreaterThan(1e-2); // measured 0.91
    }
  }

  @Test
  void kgcoopAndZeroShotTokeniseTheHandCraftedPromptLikeTheLearnedOne() {
    // "a photo of a {}." formatted then tokenised whole (CoOp's zsclip.py, KgCoOp's kgcoop.py lines 136-139)
    // is exactly the golden whole-string tokenisation of the ctx_init "a photo of a" prompt
    List<GoldenPromptTokens.Case> cases = GoldenPromptTokens.cases(4, "a photo of a", ClassTokenPosition.END);
    float[] words = ContextPrompts.wordEmbeddings(clip, "a photo of a");
    float[] official = official(cases, words);
    try (ZsClipLearner zs = (ZsClipLearner) ToyProblem.learner("zsclip", clip, names(cases),
        new ZsClipSettings(List.of(), true), "a photo of a {}.", 1);
        KgCoOpLearner kg = (KgCoOpLearner) ToyProblem.learner("kgcoop", clip, names(cases),
            new KgCoOpSettings(4, "a photo of a", 8.0), "a photo of a {}.", 1);
        NDManager m = EngineRuntime.engine().newBaseManager()) {
      float[] unit = toFloat(Reference.unitRows(official, EMBED));
      assertThat(Reference.maxDiff(zs.textFeatures(m, null).toFloatArray(), unit)).isLessThan(1e-5);
      assertThat(Reference.maxDiff(kg.referenceFeatures(), unit)).isLessThan(1e-5);
      assertThat(Reference.maxDiff(kg.textFeatures(m, null).toFloatArray(), official)).isLessThan(1e-5);
      // at the word initialisation the learned prompts ARE the hand-crafted ones: KgCoOp's term is zero
      float term = kg.extraLoss(m, kg.textFeatures(m, null)).getFloat();
      assertThat(Math.abs(term)).isLessThan(2e-6f);
    }
  }
}
