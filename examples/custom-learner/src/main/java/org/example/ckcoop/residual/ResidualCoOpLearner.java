package org.example.ckcoop.residual;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.TrainableArrays;
import org.ckcoop.core.learner.text.TextPromptLearner;
import org.ckcoop.core.prompt.ClassTokenPosition;
import org.ckcoop.core.prompt.ContextPrompts;

/**
 * Residual CoOp: the context is {@code words + residual}, with {@code words} the frozen embeddings of
 * the init words (a state tensor, not trained) and {@code residual} [n, width] learned from zero, so at
 * the start it is exactly the hand-crafted prompt's context.
 */
public final class ResidualCoOpLearner extends TextPromptLearner {
  private final ClipBackbone backbone;
  private final String words;
  private final int n;
  private final NDManager manager;
  private final NDArray base;
  private final NDArray residual;
  private ContextPrompts prompts;

  /** Builds the learner from its context ({@code learner.residual_coop.*} settings). */
  public ResidualCoOpLearner(LearnerContext context) {
    super(ResidualCoOpPlugin.NAME, context.backbone().logitScale());
    this.backbone = context.backbone();
    this.words = context.settings(ResidualSettings.class).ctxInit().replace('_', ' ');
    float[] embedded = ContextPrompts.wordEmbeddings(backbone, words);
    int width = backbone.architecture().text().width();
    this.n = embedded.length / width;
    this.prompts = ContextPrompts.build(backbone, context.classNames(), words, n, ClassTokenPosition.END);
    this.manager = EngineRuntime.engine().newBaseManager(backbone.device());
    this.base = TrainableArrays.create(manager, embedded, new Shape(n, width));
    base.setRequiresGradient(false); // frozen: part of the state, not trained
    this.residual = TrainableArrays.create(manager, new float[n * width], new Shape(n, width));
  }

  @Override
  public NDArray textFeatures(NDManager step, NDArray imageFeatures) {
    NDIndex all = new NDIndex("...");
    NDArray ctx = base.get(step, all).add(residual.get(step, all));
    return prompts.encode(backbone, step, ctx, null);
  }

  @Override
  public List<String> classNames() {
    return prompts.classNames();
  }

  @Override
  public Map<String, NDArray> trainableParameters() {
    return Map.of("residual", residual);
  }

  @Override
  public Map<String, NDArray> stateTensors() {
    Map<String, NDArray> out = new LinkedHashMap<>(trainableParameters());
    out.put("words", base);
    return out;
  }

  @Override
  public void loadState(Map<String, FloatTensor> tensors) {
    loadState(tensors, "the init words '" + words + "' have " + n + " tokens here");
  }

  @Override
  public void setClassNames(List<String> classNames) {
    ContextPrompts old = prompts;
    prompts = ContextPrompts.build(backbone, classNames, words, n, ClassTokenPosition.END);
    old.close();
  }

  @Override
  public void close() {
    prompts.close();
    manager.close();
  }
}
