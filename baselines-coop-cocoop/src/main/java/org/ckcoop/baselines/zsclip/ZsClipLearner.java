package org.ckcoop.baselines.zsclip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.InputException;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.core.learner.StateTensors;
import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.common.engine.EngineArrays;
import org.ckcoop.core.learner.text.TextPromptLearner;
import org.ckcoop.core.prompt.HandCraftedFeatures;

/**
 * Zero-shot CLIP: hand-crafted prompts, nothing to learn. The class features are computed once per
 * class list (at creation and on {@link #setClassNames}) and returned unit-norm: one template's
 * normalised features, or the renormalised mean of several templates' normalised features. It has no
 * trainable parameters and no state tensors; a state file for it holds no tensors.
 */
public final class ZsClipLearner extends TextPromptLearner {
  private final ClipBackbone backbone;
  private final List<String> templates;
  private List<String> classNames;
  private float[] features;

  /** Builds the learner and computes the class features. */
  public ZsClipLearner(LearnerContext context) {
    super(ZsClipFactory.NAME, context.backbone().logitScale());
    this.backbone = context.backbone();
    this.templates = templates(context.settings(ZsClipSettings.class), context.template());
    this.classNames = context.classNames();
    this.features = HandCraftedFeatures.compute(backbone, classNames, templates);
  }

  /**
   * Returns the templates in use: the dataset's first (when used), then the listed ones, without
   * repeats.
   *
   * @throws InputException naming the key when there is none or one lacks {@code {}}
   */
  static List<String> templates(ZsClipSettings settings, String datasetTemplate) {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    if (settings.useDatasetTemplate()) {
      out.add(datasetTemplate);
    }
    for (String t : settings.templates()) {
      if (!t.contains("{}")) {
        throw new InputException("learner.zsclip.templates", "template '" + t + "' has no {} for the class name");
      }
      out.add(t);
    }
    if (out.isEmpty()) {
      throw new InputException("learner.zsclip.templates", "is empty and use_dataset_template is false: no prompt"
          + " to classify with");
    }
    return List.copyOf(new ArrayList<>(out));
  }

  /** Returns the templates whose features are averaged. */
  public List<String> templates() {
    return templates;
  }

  @Override
  public List<String> classNames() {
    return classNames;
  }

  @Override
  public NDArray textFeatures(NDManager target, NDArray imageFeatures) {
    return EngineArrays.of(target, features, new Shape(classNames.size(), backbone.architecture().embedDim()));
  }

  @Override
  public Map<String, NDArray> trainableParameters() {
    return Map.of();
  }

  @Override
  public void loadState(Map<String, FloatTensor> tensors) {
    StateTensors.requireMatching(ZsClipFactory.NAME, tensors, Map.of(), "");
  }

  @Override
  public void setClassNames(List<String> names) {
    List<String> copy = List.copyOf(names);
    features = HandCraftedFeatures.compute(backbone, copy, templates);
    classNames = copy;
  }

  @Override
  public void close() {
    // nothing engine-side is held: the features live in Java memory
  }
}
