package org.ckcoop.world.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.ckcoop.backbone.checkpoint.ClipArchitecture;
import org.ckcoop.backbone.checkpoint.ClipCheckpoint;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.backbone.image.ClipPreprocessor;
import org.ckcoop.backbone.text.ClipTokenizer;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.world.CaptionedImages;
import org.junit.jupiter.api.Test;

/** The pieces of a pretraining run: loss, schedule, initialisation, presets, batches. */
class PretrainPartsTest {

  @Test
  void theContrastiveLossIsTheMeanOfBothCrossEntropies() {
    float[] image = {1, 0, 0, 1, 1, 1};
    float[] text = {2, 0, 0, 3, 1, -1};
    try (NDManager manager = EngineRuntime.engine().newBaseManager()) {
      NDArray scale = manager.create((float) Math.log(10));
      NDArray logits = ContrastiveLoss.logits(
          manager.create(image, new Shape(3, 2)), manager.create(text, new Shape(3, 2)), scale);
      double[][] cos = new double[3][3];
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          double dot = image[2 * i] * text[2 * j] + image[2 * i + 1] * text[2 * j + 1];
          double ni = Math.hypot(image[2 * i], image[2 * i + 1]);
          double nj = Math.hypot(text[2 * j], text[2 * j + 1]);
          cos[i][j] = 10 * dot / (ni * nj);
          assertThat((double) logits.getFloat(i, j)).isCloseTo(cos[i][j], within(1e-5));
        }
      }
      double rows = 0;
      double cols = 0;
      for (int i = 0; i < 3; i++) {
        double sr = 0;
        double sc = 0;
        for (int j = 0; j < 3; j++) {
          sr += Math.exp(cos[i][j]);
          sc += Math.exp(cos[j][i]);
        }
        rows += Math.log(sr) - cos[i][i];
        cols += Math.log(sc) - cos[i][i];
      }
      double expected = (rows / 3 + cols / 3) / 2;
      assertThat((double) ContrastiveLoss.loss(logits).getFloat()).isCloseTo(expected, within(1e-5));
      // Rows: image 0 -> text 0 (cos 1), image 1 -> text 1, image 2 (1,1) -> text 0 or 1 (equal), not 2.
      assertThat(ContrastiveLoss.imageToTextHits(logits)).isEqualTo(2);
      assertThat(scale.getManager().getManagedArrays()).hasSize(manager.getManagedArrays().size());
    }
  }

  @Test
  void theScheduleWarmsUpLinearlyThenDecaysAlongACosine() {
    org.ckcoop.core.optim.LearningRateSchedule s = org.ckcoop.core.optim.LearningRateSchedule.warmupCosine(1e-3, 100, 1100);
    assertThat(s.at(0)).isCloseTo(1e-5, within(1e-12));
    assertThat(s.at(99)).isCloseTo(1e-3, within(1e-12));
    assertThat(s.at(100)).isCloseTo(1e-3, within(1e-12));
    assertThat(s.at(600)).isCloseTo(5e-4, within(1e-12));
    assertThat(s.at(1099)).isCloseTo(0.5 * (1 + Math.cos(Math.PI * 999 / 1000)) * 1e-3, within(1e-15));
  }

  @Test
  void initialWeightsFollowClipsInitialisationAndDependOnTheSeedOnly() {
    ClipArchitecture a = MiniClipShape.MINI.architecture(700);
    ClipCheckpoint w = InitialWeights.generate(a, 3);
    assertThat(InitialWeights.generate(a, 3).contentHash()).isEqualTo(w.contentHash());
    assertThat(InitialWeights.generate(a, 4).contentHash()).isNotEqualTo(w.contentHash());
    assertThat(w.weights().get("visual.ln_pre.weight").data()).containsOnly(1f);
    assertThat(w.weights().get("transformer.resblocks.2.attn.in_proj_bias").data()).containsOnly(0f);
    assertThat(w.weights().get("logit_scale").data()[0]).isCloseTo((float) Math.log(1 / 0.07), within(1e-6f));
    assertThat(std(w.weights().get("transformer.resblocks.0.attn.in_proj_weight"))).isCloseTo(Math.pow(128, -0.5), within(2e-3));
    assertThat(std(w.weights().get("transformer.resblocks.0.mlp.c_proj.weight")))
        .isCloseTo(Math.pow(128, -0.5) * Math.pow(8, -0.5), within(1e-3));
    assertThat(std(w.weights().get("token_embedding.weight"))).isCloseTo(0.02, within(5e-4));
  }

  private static double std(FloatTensor t) {
    double sum = 0;
    double squares = 0;
    for (float v : t.data()) {
      sum += v;
      squares += v * v;
    }
    double mean = sum / t.data().length;
    return Math.sqrt(squares / t.data().length - mean * mean);
  }

  @Test
  void thePresetsHaveTheirDocumentedSizesWithTheWorldsVocabulary() {
    int vocabulary = Pretrainer.vocabulary(new WorldPretrainCorpus().open()).size();
    long mini = MiniClipShape.MINI.architecture(vocabulary).parameterCount();
    long small = MiniClipShape.SMALL.architecture(vocabulary).parameterCount();
    assertThat(mini).isBetween(1_700_000L, 1_780_000L);
    assertThat(small).isBetween(3_600_000L, 4_000_000L);
    assertThat(2 * small).as("F16 bytes of the largest preset").isLessThan(10_000_000L);
    assertThat(MiniClipShape.TEST.architecture(vocabulary).parameterCount()).isLessThan(100_000L);
    assertThat(Pretrainer.decays("visual.proj", new long[] {128, 128})).isTrue();
    assertThat(Pretrainer.decays("token_embedding.weight", new long[] {vocabulary, 128})).isTrue();
    assertThat(Pretrainer.decays("transformer.resblocks.0.ln_1.weight", new long[] {128})).isFalse();
    assertThat(Pretrainer.decays("transformer.resblocks.0.attn.in_proj_bias", new long[] {384})).isFalse();
    assertThat(Pretrainer.decays("visual.class_embedding", new long[] {128})).isFalse();
    assertThat(Pretrainer.decays("logit_scale", new long[] {})).isFalse();
  }

  @Test
  void aBatchDependsOnTheStepAndSeedAloneAndIsPreprocessedAsAtEvaluation() {
    CaptionedImages corpus = new WorldPretrainCorpus().open();
    ClipTokenizer tokenizer = ClipTokenizer.of(Pretrainer.vocabulary(corpus));
    ClipPreprocessor preprocessor = new ClipPreprocessor(32);
    PretrainBatches batches = new PretrainBatches(corpus, preprocessor, tokenizer, 24, 4, 1);
    PretrainBatches.Batch b = batches.batch(5);
    long index = batches.exampleIndex(5, 2);
    assertThat(index).isEqualTo(batches.exampleIndex(0, 0) + 22);
    float[] expected = preprocessor.preprocess(corpus.image(index));
    float[] got = java.util.Arrays.copyOfRange(b.pixels(), 2 * expected.length, 3 * expected.length);
    assertThat(got).isEqualTo(expected);
    assertThat(b.tokens()[2]).isEqualTo(tokenizer.tokenize(List.of(corpus.caption(index)), 24)[0]);
    assertThat(new PretrainBatches(corpus, preprocessor, tokenizer, 24, 4, 1).batch(5).pixels()).isEqualTo(b.pixels());
    assertThat(new PretrainBatches(corpus, preprocessor, tokenizer, 24, 4, 2).exampleIndex(5, 2)).isNotEqualTo(index);
  }
}
