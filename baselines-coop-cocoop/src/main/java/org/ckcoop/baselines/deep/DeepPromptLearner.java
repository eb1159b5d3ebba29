package org.ckcoop.baselines.deep;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.common.InputException;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.backbone.prompts.TextLayerPrompts;
import org.ckcoop.backbone.prompts.VisionLayerPrompts;
import org.ckcoop.core.classify.PromptClassifier;
import org.ckcoop.core.learner.BatchClassifier;
import org.ckcoop.core.learner.LearnerBatch;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.learner.StateTensors;
import org.ckcoop.core.learner.StepOutput;
import org.ckcoop.core.learner.TrainableArrays;
import org.ckcoop.core.learner.text.TextPromptLearner;
import org.ckcoop.core.prompt.ClassTokenPosition;
import org.ckcoop.core.prompt.ContextPrompts;

/**
 * The base of learners with prompts inside both towers (MaPLe, IVLP): a layer-0 text context in
 * CoOp-style prompts (class token at the end), deep text prompts and vision prompts from the
 * subclass, CLIP's classifier and cross-entropy. Batches bring pixels: the image tower runs every
 * step. Evaluation encodes the class features once and the images per batch.
 */
public abstract class DeepPromptLearner implements PromptLearner {
  /**
   * The deep-prompt learners classify with their own prompted towers and need no frozen image features
   * in training (PromptSRC overrides this: its consistency term compares with them).
   */
  @Override
  public boolean needsFrozenImageFeatures() {
    return false;
  }

  /** The layer-0 context's state name. */
  public static final String CTX = "ctx";

  private final String name;
  /** The frozen CLIP. */
  protected final ClipBackbone backbone;
  private final int nCtx;
  private final String placeholder;
  /** The learner's own arrays (closed with it). */
  protected final NDManager manager;
  /** The layer-0 text context [n_ctx, text width]. */
  protected final NDArray ctx;
  private final Map<String, NDArray> parameters = new LinkedHashMap<>();
  private ContextPrompts prompts;

  /**
   * @param name the learner's name ({@code learner.<name>.*} in messages)
   * @param classNames the class names
   * @param context the layer-0 context
   * @param nCtx its number of vectors
   * @param depth J, checked against both towers
   */
  protected DeepPromptLearner(String name, ClipBackbone backbone, List<String> classNames, LayerZeroContext context,
      int nCtx, int depth, String depthKey) {
    this.name = name;
    this.backbone = backbone;
    this.nCtx = nCtx;
    this.placeholder = context.placeholder();
    int textLayers = backbone.architecture().text().layers();
    // a ResNet image tower takes no prompts (the subclasses refuse vision prompts on one): only the
    // text tower bounds the depth then
    int visionLayers = backbone.architecture().hasVitImageTower() ? backbone.architecture().vision().layers() : textLayers;
    if (depth > Math.min(textLayers, visionLayers)) {
      throw new InputException("learner." + name + "." + depthKey, "is " + depth + " but the backbone's towers have "
          + textLayers + " (text) and " + visionLayers + " (vision) layers; at most " + Math.min(textLayers, visionLayers));
    }
    this.prompts = build(classNames);
    this.manager = EngineRuntime.engine().newBaseManager(backbone.device());
    this.ctx = TrainableArrays.create(manager, context.values(), new Shape(nCtx, backbone.architecture().text().width()));
    parameters.put(CTX, ctx);
  }

  private ContextPrompts build(List<String> classNames) {
    return ContextPrompts.build(backbone, classNames, placeholder, nCtx, ClassTokenPosition.END);
  }

  /** Registers a trainable array under its state name (in the order of the official state dict). */
  protected final NDArray register(String stateName, NDArray array) {
    parameters.put(stateName, array);
    return array;
  }

  /** Returns the deep text prompts for blocks 1..J-1, on {@code step}. */
  protected abstract TextLayerPrompts textLayers(NDManager step);

  /** Returns the vision prompts (input and blocks 1..J-1), on {@code step}, or null for none. */
  protected abstract VisionLayerPrompts visionLayers(NDManager step);

  /** Returns the class text features [C, embed] with the deep text prompts, on {@code step}. */
  public NDArray textFeatures(NDManager step) {
    return prompts.encode(backbone, step, ctx, textLayers(step));
  }

  /** Returns the image features [B, embed] of the batch's pixels with the vision prompts. */
  public NDArray imageFeatures(NDManager step, NDArray pixels) {
    if (pixels == null) {
      throw new IllegalArgumentException("learner " + name + " classifies pixels; the batch has none");
    }
    return backbone.encodeImages(pixels, visionLayers(step));
  }

  @Override
  public boolean usesCachedFeatures() {
    return false;
  }

  @Override
  public StepOutput forward(LearnerBatch batch) {
    NDArray text = textFeatures(batch.manager());
    NDArray image = imageFeatures(batch.manager(), batch.pixels());
    NDArray logits = PromptClassifier.logits(image, text, backbone.logitScale());
    Map<String, NDArray> losses = new LinkedHashMap<>();
    if (batch.training() && batch.labels() != null) {
      losses.put(TextPromptLearner.CROSS_ENTROPY, PromptClassifier.crossEntropy(logits, batch.labels()));
    }
    return new StepOutput(logits, losses);
  }

  @Override
  public BatchClassifier classifier(NDManager target) {
    NDArray text = textFeatures(target);
    return batch -> PromptClassifier.logits(imageFeatures(batch.manager(), batch.pixels()),
        Linear.view(batch.manager(), text), backbone.logitScale());
  }

  @Override
  public List<String> classNames() {
    return prompts.classNames();
  }

  @Override
  public void setClassNames(List<String> classNames) {
    ContextPrompts old = prompts;
    prompts = build(classNames);
    old.close();
  }

  @Override
  public Map<String, NDArray> trainableParameters() {
    return Collections.unmodifiableMap(parameters);
  }

  @Override
  public void loadState(Map<String, FloatTensor> tensors) {
    StateTensors.requireMatching(name, tensors, parameters, "n_ctx " + nCtx + ", the text width "
        + backbone.architecture().text().width() + (backbone.architecture().hasVitImageTower()
            ? " and the vision width " + backbone.architecture().vision().width() : "") + " here");
    parameters.forEach((k, array) -> TrainableArrays.overwrite(array, tensors.get(k).data()));
  }

  @Override
  public void close() {
    prompts.close();
    manager.close();
  }
}
