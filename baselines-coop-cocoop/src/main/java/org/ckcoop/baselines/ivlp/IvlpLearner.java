package org.ckcoop.baselines.ivlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ckcoop.common.InputException;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.backbone.prompts.TextLayerPrompts;
import org.ckcoop.backbone.prompts.VisionLayerPrompts;
import org.ckcoop.baselines.deep.DeepPromptLearner;
import org.ckcoop.baselines.deep.LayerZeroContext;
import org.ckcoop.baselines.deep.Linear;
import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.TrainableArrays;

/**
 * IVLP as the MaPLe repository trains it ({@code trainers/independentVL.py}, the IVLP blocks of
 * {@code clip/model.py} at 69bce21): {@code ctx} (the layer-0 text context, as MaPLe's),
 * {@code text.k} [n_ctx_text, text width] for text blocks k+1 (k = 0..J_t-2), {@code vision.0}
 * [n_ctx_vision, vision width] appended before {@code ln_pre} and {@code vision.k} for vision blocks
 * k (k = 1..J_v-1), each N(0, 0.02^2) and learned independently. Loss: cross-entropy. 30,720
 * parameters at ViT-B/16 with the 2+2, depth 12/12 defaults. Vision prompts need a ViT image tower:
 * on a ResNet backbone {@code prompt_depth_vision} must be 0 (text prompts only).
 */
public class IvlpLearner extends DeepPromptLearner {
  private final List<NDArray> text = new ArrayList<>();
  private final List<NDArray> vision = new ArrayList<>();

  /** Builds the learner from its context ({@code learner.ivlp.*} settings). */
  public IvlpLearner(LearnerContext context) {
    this(IvlpPlugin.NAME, context, context.settings(IvlpSettings.class));
  }

  /**
   * Builds an IVLP architecture for a learner named {@code name} (PromptSRC is IVLP with other losses).
   */
  protected IvlpLearner(String name, LearnerContext context, IvlpSettings s) {
    this(name, context, s, context.random());
  }

  private IvlpLearner(String name, LearnerContext context, IvlpSettings s, SplittableRandom random) {
    super(name, checkVisionPrompts(name, context.backbone(), s), context.classNames(),
        LayerZeroContext.resolve(context.backbone(), "learner." + name, s.nCtxText(), s.ctxInit(), random),
        s.nCtxText(), s.promptDepthText(), "prompt_depth_text");
    int tw = backbone.architecture().text().width();
    int vw = s.promptDepthVision() == 0 ? 0 : backbone.architecture().vision().width();
    if (s.promptDepthVision() > 0 && s.promptDepthVision() > backbone.architecture().vision().layers()) {
      throw new InputException("learner." + name + ".prompt_depth_vision", "is " + s.promptDepthVision()
          + " but the vision tower has " + backbone.architecture().vision().layers() + " layers");
    }
    for (int k = 0; k < s.promptDepthText() - 1; k++) {
      text.add(register("text." + k, TrainableArrays.create(manager,
          LayerZeroContext.gaussian(random, s.nCtxText() * tw, 0.02), new Shape(s.nCtxText(), tw))));
    }
    for (int k = 0; k < s.promptDepthVision(); k++) {
      vision.add(register("vision." + k, TrainableArrays.create(manager,
          LayerZeroContext.gaussian(random, s.nCtxVision() * vw, 0.02), new Shape(s.nCtxVision(), vw))));
    }
  }

  /**
   * Vision prompts enter the vision transformer's layers: with {@code prompt_depth_vision > 0} the
   * backbone must have a ViT image tower; with 0 the learner prompts the text tower only and works on
   * any backbone.
   */
  private static ClipBackbone checkVisionPrompts(String name, ClipBackbone backbone, IvlpSettings s) {
    if (s.promptDepthVision() > 0 && !backbone.architecture().hasVitImageTower()) {
      throw new InputException("learner." + name + ".prompt_depth_vision", "is " + s.promptDepthVision()
          + ", but vision prompts need a ViT image tower; this backbone's is "
          + backbone.architecture().imageTower().label() + " (set it to 0 to prompt the text tower only)");
    }
    return backbone;
  }

  @Override
  protected TextLayerPrompts textLayers(NDManager step) {
    return new TextLayerPrompts(Linear.views(step, text));
  }

  @Override
  protected VisionLayerPrompts visionLayers(NDManager step) {
    if (vision.isEmpty()) {
      return null;
    }
    return new VisionLayerPrompts(Linear.view(step, vision.get(0)),
        Linear.views(step, vision.subList(1, vision.size())));
  }
}
