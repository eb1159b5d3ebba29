package org.ckcoop.baselines.deep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.baselines.cocoop.CoCoOpSettings;
import org.ckcoop.baselines.coop.CoOpSettings;
import org.ckcoop.baselines.fixture.TinyBackbones;
import org.ckcoop.baselines.fixture.ToyProblem;
import org.ckcoop.baselines.ivlp.IvlpSettings;
import org.ckcoop.baselines.kgcoop.KgCoOpSettings;
import org.ckcoop.baselines.maple.MapleSettings;
import org.ckcoop.baselines.prograd.ProGradSettings;
import org.ckcoop.baselines.promptsrc.PromptSrcSettings;
import org.ckcoop.baselines.zsclip.ZsClipSettings;
import org.ckcoop.common.InputException;
import org.ckcoop.common.engine.EngineArrays;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.core.classify.PromptClassifier;
import org.ckcoop.core.learner.LearnerBatch;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.prompt.ClassTokenPosition;
import org.ckcoop.core.prompt.HandCraftedFeatures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The learners on a backbone whose image tower is a ResNet: text-side learners classify the ResNet
 * tower's features (at initialisation from "a photo of a" they give exactly zero-shot CLIP's logits);
 * deep vision prompts are refused at construction, naming the learner's setting and the tower.
 */
class ResNetBackboneLearnersTest {
  static ClipBackbone rn;
  static final String TEMPLATE = "a photo of a {}.";
  static final String TOWER = "ResNet ([1, 1, 1, 1], width 8)";

  @BeforeAll
  static void load() {
    rn = TinyBackbones.tinyResNet(4);
  }

  @AfterAll
  static void close() {
    rn.close();
  }

  static PromptLearner learner(String name, Record settings) {
    return ToyProblem.learner(name, rn, ToyProblem.BASE, settings, TEMPLATE, 1);
  }

  @Test
  void textSideLearnersStartAtZeroShotClipOnTheResNetsFeatures() {
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      NDArray pixels = ToyProblem.pixels(rn, m, 3, 11);
      NDArray image = rn.encodeImages(pixels);
      assertThat(image.getShape().getShape()).containsExactly(3, 64);
      // zero-shot CLIP written out: exp(logit_scale) * cos(ResNet features, template features)
      float[] text = HandCraftedFeatures.encode(rn, ToyProblem.BASE, TEMPLATE);
      float[] expected = PromptClassifier.logits(image,
          EngineArrays.of(m, text, new ai.djl.ndarray.types.Shape(3, 64)), rn.logitScale()).toFloatArray();
      float[] pixelsLogits = null;
      Map<String, Record> learners = new java.util.LinkedHashMap<>();
      learners.put("zsclip", new ZsClipSettings(List.of(), true));
      learners.put("coop", new CoOpSettings(4, "a photo of a", false, ClassTokenPosition.END));
      learners.put("kgcoop", new KgCoOpSettings(4, "a photo of a", 8.0));
      learners.put("prograd", new ProGradSettings(4, "a photo of a", 1.0, 1.0));
      // IVLP and PromptSRC with text prompts only (depth 1: layer-0 context, no deeper layers)
      learners.put("ivlp", new IvlpSettings(4, 2, "a photo of a", 1, 0));
      learners.put("promptsrc", new PromptSrcSettings(4, 2, "a photo of a", 1, 0, 25, 10, 15, 1, List.of()));
      for (Map.Entry<String, Record> e : learners.entrySet()) {
        try (PromptLearner learner = learner(e.getKey(), e.getValue())) {
          float[] logits = learner.forward(new LearnerBatch(m, image, pixels, null, false)).logits().toFloatArray();
          assertThat(logits.length).as(e.getKey()).isEqualTo(9);
          for (int i = 0; i < logits.length; i++) {
            assertThat((double) logits[i]).as(e.getKey() + " logit " + i)
                .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-3 + 1e-5 * Math.abs(expected[i])));
          }
        }
      }
      // CoCoOp's meta-net reads the ResNet features; its logits have the batch's shape
      try (PromptLearner cocoop = learner("cocoop", new CoCoOpSettings(4, "a photo of a"))) {
        NDArray logits = cocoop.forward(new LearnerBatch(m, image, pixels, null, false)).logits();
        assertThat(logits.getShape().getShape()).containsExactly(3, 3);
        pixelsLogits = logits.toFloatArray();
        for (float v : pixelsLogits) {
          assertThat(Float.isFinite(v)).isTrue();
        }
      }
    }
  }

  @Test
  void promptSrcWithoutVisionPromptsHasNoImageConsistencyLoss() {
    try (NDManager m = EngineRuntime.engine().newBaseManager();
        PromptLearner learner = learner("promptsrc",
            new PromptSrcSettings(4, 2, "a photo of a", 1, 0, 25, 10, 15, 1, List.of()))) {
      NDArray pixels = ToyProblem.pixels(rn, m, 3, 12);
      NDArray labels = m.create(new int[] {0, 1, 2});
      Map<String, NDArray> losses = learner.forward(
          new LearnerBatch(m, rn.encodeImages(pixels), pixels, labels, true)).losses();
      assertThat(losses.keySet()).contains("image_l1", "text_l1", "kl");
      // the image tower runs unprompted: its features are the frozen ones
      assertThat(losses.get("image_l1").getFloat()).isEqualTo(0f);
      assertThat(losses.get("text_l1").getFloat()).isLessThan(1e-5f);
    }
  }

  @Test
  void deepVisionPromptsNeedAViT() {
    assertThatThrownBy(() -> learner("maple", new MapleSettings(2, "a photo of a", 2)))
        .isInstanceOf(InputException.class)
        .hasMessage("learner.maple: needs a ViT image tower; this backbone's is " + TOWER);
    assertThatThrownBy(() -> learner("ivlp", new IvlpSettings(2, 2, "a photo of a", 2, 2)))
        .isInstanceOf(InputException.class)
        .hasMessage("learner.ivlp.prompt_depth_vision: is 2, but vision prompts need a ViT image tower; this"
            + " backbone's is " + TOWER + " (set it to 0 to prompt the text tower only)");
    assertThatThrownBy(() -> learner("promptsrc",
            new PromptSrcSettings(4, 4, "a photo of a", 2, 9, 25, 10, 15, 1, List.of())))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("learner.promptsrc.prompt_depth_vision: is 9, but vision prompts need a ViT image tower");
    // text-only deep prompts are fine, and bounded by the text tower's depth alone
    try (PromptLearner ivlp = learner("ivlp", new IvlpSettings(2, 2, "a photo of a", 2, 0))) {
      assertThat(ivlp.trainableParameters().keySet()).containsExactly("ctx", "text.0");
    }
    assertThatThrownBy(() -> learner("ivlp", new IvlpSettings(2, 2, "a photo of a", 3, 0)))
        .isInstanceOf(InputException.class).hasMessageContaining("learner.ivlp.prompt_depth_text");
  }
}
