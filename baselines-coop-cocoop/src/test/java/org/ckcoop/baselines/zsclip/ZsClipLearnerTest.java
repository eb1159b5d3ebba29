package org.ckcoop.baselines.zsclip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
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
import org.ckcoop.core.learner.LearnerStateFile;
import org.ckcoop.core.learner.PromptLearner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ckcoop.core.learner.text.TextPromptLearner;
import org.ckcoop.core.prompt.HandCraftedFeatures;

class ZsClipLearnerTest {
  static ClipBackbone tiny;
  static final List<String> CLASSES = List.of("red_circle", "star", "blue square");
  static final ZsClipSettings SINGLE = new ZsClipSettings(List.of(), true);
  @TempDir Path dir;

  @BeforeAll
  static void load() {
    tiny = TinyBackbones.tiny(3);
  }

  @AfterAll
  static void close() {
    tiny.close();
  }

  static ZsClipLearner zsclip(List<String> classes, ZsClipSettings settings, String template) {
    return (ZsClipLearner) ToyProblem.learner("zsclip", tiny, classes, settings, template, 1);
  }

  static float[] features(TextPromptLearner learner) {
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      return learner.textFeatures(m, null).toFloatArray();
    }
  }

  static double[] unit(List<String> classes, String template) {
    return Reference.unitRows(Reference.encodeTexts(tiny,
        classes.stream().map(c -> template.replace("{}", c.replace('_', ' '))).toList()), 64);
  }

  @Test
  void theDatasetTemplateGivesTheNormalisedHandCraftedFeatures() {
    try (ZsClipLearner learner = zsclip(CLASSES, SINGLE, "a photo of a {}.")) {
      assertThat(learner.templates()).containsExactly("a photo of a {}.");
      // "red_circle" is read as "a photo of a red circle."
      assertThat(Reference.maxDiff(features(learner), unit(CLASSES, "a photo of a {}."))).isLessThan(1e-6);
      float[] images = ToyProblem.features(ToyProblem.data(tiny, ToyProblem.BASE, 2, 0.5, 3));
      float[] logits = PromptClassifier.logits(learner, tiny, images, 6, 4);
      double[] reference = Reference.logits(images, Reference.encodeTexts(tiny,
          List.of("a photo of a red circle.", "a photo of a star.", "a photo of a blue square.")), 64, tiny.logitScale());
      assertThat(Reference.maxDiff(logits, reference)).isLessThan(1e-4);
    }
  }

  @Test
  void anEnsembleIsTheRenormalisedMeanOfNormalisedPerTemplateFeatures() {
    List<String> templates = List.of("a sketch of a {}.", "a large {}.", "a photo of a {}.");
    try (ZsClipLearner learner = zsclip(CLASSES, new ZsClipSettings(templates, true), "a photo of a {}.")) {
      // the dataset's template first, listed only once
      assertThat(learner.templates()).containsExactly("a photo of a {}.", "a sketch of a {}.", "a large {}.");
      double[] mean = new double[3 * 64];
      double[] rawMean = new double[3 * 64];
      for (String t : learner.templates()) {
        double[] u = unit(CLASSES, t);
        float[] raw = Reference.encodeTexts(tiny, CLASSES.stream().map(c -> t.replace("{}", c.replace('_', ' '))).toList());
        for (int i = 0; i < mean.length; i++) {
          mean[i] += u[i] / 3;
          rawMean[i] += raw[i] / 3.0;
        }
      }
      float[] expected = toFloats(mean);
      double[] renormalised = Reference.unitRows(expected, 64);
      float[] actual = features(learner);
      assertThat(Reference.maxDiff(actual, renormalised)).isLessThan(1e-6);
      // not the same as averaging unnormalised features, nor as the mean before renormalising
      assertThat(Reference.maxDiff(actual, Reference.unitRows(toFloats(rawMean), 64))).isGreaterThan(1e-4);
      assertThat(Reference.maxDiff(actual, expected)).isGreaterThan(1e-3);
    }
    try (ZsClipLearner without = zsclip(CLASSES, new ZsClipSettings(List.of("a large {}."), false), "a photo of a {}.")) {
      assertThat(without.templates()).containsExactly("a large {}.");
      assertThat(Reference.maxDiff(features(without), unit(CLASSES, "a large {}."))).isLessThan(1e-6);
    }
  }

  @Test
  void nothingToLearnAndAnEmptyStateRoundTrips() {
    Path file = dir.resolve("zsclip.safetensors");
    try (ZsClipLearner learner = zsclip(CLASSES, SINGLE, "a photo of a {}.")) {
      assertThat(learner.trainableParameters()).isEmpty();
      assertThat(learner.stateTensors()).isEmpty();
      assertThat(learner.learnableParameterCount()).isZero();
      assertThat(learner.imageConditional()).isFalse();
      LearnerStateFile.of("zsclip", learner, Map.of("learner.zsclip.templates", "[]"), tiny.identity()).write(file);
      LearnerStateFile read = LearnerStateFile.read(file);
      assertThat(read.tensors()).isEmpty();
      assertThat(read.classNames()).isEqualTo(CLASSES);
      learner.loadState(read.tensors());
      assertThatThrownBy(() -> learner.loadState(Map.of("ctx", new FloatTensor(new long[] {1}, new float[1]))))
          .isInstanceOf(InputException.class)
          .hasMessage("zsclip learner state: unknown tensor 'ctx' (zsclip has no state tensors)");
    }
  }

  @Test
  void newClassNamesRecomputeTheFeatures() {
    try (ZsClipLearner learner = zsclip(ToyProblem.BASE, SINGLE, "a sketch of a {}.");
        ZsClipLearner fresh = zsclip(ToyProblem.NEW, SINGLE, "a sketch of a {}.")) {
      learner.setClassNames(ToyProblem.NEW);
      assertThat(learner.classNames()).isEqualTo(ToyProblem.NEW);
      assertThat(features(learner)).hasSize(4 * 64).containsExactly(features(fresh));
      assertThat(Reference.maxDiff(features(learner), unit(ToyProblem.NEW, "a sketch of a {}."))).isLessThan(1e-6);
    }
  }

  @Test
  void unusableTemplatesAreReported() {
    assertThatThrownBy(() -> zsclip(CLASSES, new ZsClipSettings(List.of("a photo"), true), "a photo of a {}."))
        .isInstanceOf(InputException.class)
        .hasMessage("learner.zsclip.templates: template 'a photo' has no {} for the class name");
    assertThatThrownBy(() -> zsclip(CLASSES, new ZsClipSettings(List.of(), false), "a photo of a {}."))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("learner.zsclip.templates: is empty and use_dataset_template is false");
    // context length 16: SOT + 15 tokens cannot hold this prompt
    assertThatThrownBy(() -> zsclip(List.of("red circle on a striped background in the picture"), SINGLE,
        "there is a small {} in the picture."))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("class name 'red circle on a striped background in the picture': the prompt"
            + " 'there is a small red circle on a striped background in the picture in the picture.' needs");
  }

  private static float[] toFloats(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }
}
