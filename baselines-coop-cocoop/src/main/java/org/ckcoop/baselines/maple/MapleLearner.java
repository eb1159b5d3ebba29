package org.ckcoop.baselines.maple;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.backbone.prompts.TextLayerPrompts;
import org.ckcoop.backbone.prompts.VisionLayerPrompts;
import org.ckcoop.baselines.deep.DeepPromptLearner;
import org.ckcoop.baselines.deep.LayerZeroContext;
import org.ckcoop.baselines.deep.Linear;
import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.TrainableArrays;

/**
 * MaPLe as its official code trains it ({@code trainers/maple.py}, {@code clip/model.py} at 69bce21):
 *
 * <ul>
 *   <li>{@code ctx} [n_ctx, text width]: the layer-0 text context (embeddings of the init words'
 *       first n_ctx tokens; the rest of the words stay fixed tokens, {@code maple.py:84-105});
 *   <li>{@code proj.weight}/{@code .bias}: Linear(text width, vision width) making the layer-0 vision
 *       prompt {@code proj(ctx)}, appended after the patch tokens before {@code ln_pre};
 *   <li>{@code compound_prompts_text.k} [n_ctx, text width], k = 0..J-2, N(0, 0.02^2): the text prompts
 *       of blocks k+1 (they replace positions 1..n_ctx);
 *   <li>{@code compound_prompt_projections.k.weight}/{@code .bias}: one Linear per deeper layer making
 *       that block's vision prompt from its text prompt; all start as copies of one Linear
 *       ({@code _get_clones}) and train separately.
 * </ul>
 *
 * <p>Loss: cross-entropy on {@code exp(logit_scale) * cos}. 3,555,072 parameters at ViT-B/16 with
 * J = 9 ({@link MapleSettings#parameterCount}). The official code runs in fp16 on a GPU; here F32.
 * Its prompts enter the vision transformer's layers: a backbone with a ResNet image tower is refused
 * at construction.
 */
public final class MapleLearner extends DeepPromptLearner {
  private final Linear proj;
  private final List<NDArray> compoundText = new ArrayList<>();
  private final List<Linear> compoundProjections = new ArrayList<>();

  /** Builds the learner from its context ({@code learner.maple.*} settings). */
  public MapleLearner(LearnerContext context) {
    this(context, context.settings(MapleSettings.class), context.random());
  }

  private MapleLearner(LearnerContext context, MapleSettings settings, SplittableRandom random) {
    super(MaplePlugin.NAME, requireVit(context.backbone()), context.classNames(),
        LayerZeroContext.resolve(context.backbone(), "learner.maple", settings.nCtx(), settings.ctxInit(), random),
        settings.nCtx(), settings.promptDepth(), "prompt_depth");
    int tw = backbone.architecture().text().width();
    int vw = backbone.architecture().vision().width();
    this.proj = Linear.create(manager, Linear.initial(random, tw, vw), tw, vw);
    register("proj.weight", proj.weight());
    register("proj.bias", proj.bias());
    for (int k = 0; k < settings.promptDepth() - 1; k++) {
      NDArray p = TrainableArrays.create(manager, LayerZeroContext.gaussian(random, settings.nCtx() * tw, 0.02),
          new Shape(settings.nCtx(), tw));
      compoundText.add(register("compound_prompts_text." + k, p));
    }
    float[][] clone = Linear.initial(random, tw, vw); // _get_clones: one Linear, deep-copied per layer
    for (int k = 0; k < settings.promptDepth() - 1; k++) {
      Linear l = Linear.create(manager, clone, tw, vw);
      register("compound_prompt_projections." + k + ".weight", l.weight());
      register("compound_prompt_projections." + k + ".bias", l.bias());
      compoundProjections.add(l);
    }
  }

  /**
   * MaPLe couples every text prompt layer to the vision transformer's layers: it needs a ViT image
   * tower (the error names the learner and the backbone's tower, e.g. ResNet (RN50)).
   */
  private static ClipBackbone requireVit(ClipBackbone backbone) {
    backbone.architecture().requireVit("learner." + MaplePlugin.NAME);
    return backbone;
  }

  @Override
  protected TextLayerPrompts textLayers(NDManager step) {
    return new TextLayerPrompts(Linear.views(step, compoundText));
  }

  @Override
  protected VisionLayerPrompts visionLayers(NDManager step) {
    NDArray shared = proj.apply(step, Linear.view(step, ctx));
    List<NDArray> deep = new ArrayList<>();
    for (int k = 0; k < compoundText.size(); k++) {
      deep.add(compoundProjections.get(k).apply(step, Linear.view(step, compoundText.get(k))));
    }
    return new VisionLayerPrompts(shared, deep);
  }
}
