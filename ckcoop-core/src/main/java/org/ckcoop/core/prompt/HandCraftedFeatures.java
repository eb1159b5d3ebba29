package org.ckcoop.core.prompt;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.common.InputException;

/**
 * Text features of hand-crafted prompts, as CoOp's zero-shot trainers compute them: per template,
 * {@code template.format(name.replace("_", " "))} is tokenised and encoded and each feature
 * L2-normalised; with several templates the normalised features are averaged and the mean is
 * renormalised. A prompt longer than the context length is an error (CLIP's {@code tokenize} refuses it
 * too), never silently cut.
 */
public final class HandCraftedFeatures {
  /** Prompts per text-tower pass. */
  static final int PROMPTS_PER_PASS = 256;

  private HandCraftedFeatures() {}

  /** Returns the prompt of {@code className} under {@code template} ({@code {}} replaced, {@code _} read as a space). */
  public static String prompt(String template, String className) {
    return template.replace("{}", className.replace('_', ' '));
  }

  /**
   * Returns the frozen text features [C, embed] row-major (projected, not normalised) of one template's
   * prompts, {@value #PROMPTS_PER_PASS} prompts per text-tower pass.
   *
   * @throws InputException naming the class when a prompt does not fit the context length
   */
  public static float[] encode(ClipBackbone backbone, List<String> classNames, String template) {
    int embed = backbone.architecture().embedDim();
    int context = backbone.architecture().contextLength();
    int classes = classNames.size();
    List<String> prompts = new ArrayList<>(classes);
    for (String name : classNames) {
      String prompt = prompt(template, name);
      int tokens = backbone.tokenizer().encode(prompt).length + 2;
      if (tokens > context) {
        throw new InputException("class name '" + name + "'", "the prompt '" + prompt + "' needs " + tokens
            + " tokens but the backbone's context length is " + context);
      }
      prompts.add(prompt);
    }
    float[] out = new float[classes * embed];
    for (int from = 0; from < classes; from += PROMPTS_PER_PASS) {
      int to = Math.min(classes, from + PROMPTS_PER_PASS);
      try (NDManager m = EngineRuntime.engine().newBaseManager(backbone.device())) {
        float[] features = backbone.encodeTokens(backbone.tokenize(m, prompts.subList(from, to))).toFloatArray();
        System.arraycopy(features, 0, out, from * embed, features.length);
      }
    }
    return out;
  }

  /**
   * Returns the unit-norm class features [C, embed] row-major.
   *
   * @param templates one or more templates, each with {@code {}}
   * @throws InputException naming the class when a prompt does not fit the context length
   */
  public static float[] compute(ClipBackbone backbone, List<String> classNames, List<String> templates) {
    if (templates.isEmpty()) {
      throw new IllegalArgumentException("at least one template is needed");
    }
    int embed = backbone.architecture().embedDim();
    int classes = classNames.size();
    double[] sum = new double[classes * embed];
    for (String template : templates) {
      float[] features = encode(backbone, classNames, template);
      for (int r = 0; r < classes; r++) {
        double norm = norm(features, r * embed, embed);
        for (int j = 0; j < embed; j++) {
          sum[r * embed + j] += features[r * embed + j] / norm;
        }
      }
    }
    float[] out = new float[classes * embed];
    for (int c = 0; c < classes; c++) {
      double norm = 0;
      for (int j = 0; j < embed; j++) {
        norm += sum[c * embed + j] * sum[c * embed + j];
      }
      norm = Math.sqrt(norm);
      for (int j = 0; j < embed; j++) {
        out[c * embed + j] = (float) (sum[c * embed + j] / norm);
      }
    }
    return out;
  }

  private static double norm(float[] values, int offset, int length) {
    double s = 0;
    for (int j = 0; j < length; j++) {
      s += (double) values[offset + j] * values[offset + j];
    }
    return Math.sqrt(s);
  }
}
