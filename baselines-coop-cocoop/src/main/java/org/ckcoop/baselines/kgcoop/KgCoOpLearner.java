package org.ckcoop.baselines.kgcoop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.ckcoop.common.engine.EngineArrays;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.baselines.coop.CoOpLearner;
import org.ckcoop.baselines.coop.CoOpSettings;
import org.ckcoop.core.prompt.HandCraftedFeatures;
import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.prompt.ClassTokenPosition;
import org.ckcoop.core.learner.text.TextPromptLearner;

/**
 * KgCoOp: a CoOp learner (shared context, class name at the end) whose loss adds
 * {@code w * (1 - mean_c cos(g(t_c), g_clip(c)))}, where {@code g_clip(c)} is the frozen feature of the
 * dataset's hand-crafted prompt for class {@code c} ({@link LearnerContext#template()}). The reference
 * features are computed once per class list, when the term is first needed, and again after
 * {@link #setClassNames}. State tensor: {@code ctx} [n_ctx, width], as CoOp.
 */
public final class KgCoOpLearner extends TextPromptLearner {
  private final CoOpLearner coop;
  private final ClipBackbone backbone;
  private final String template;
  private final float weight;
  private float[] reference;

  /** Builds the learner from its context ({@code learner.kgcoop.*} settings). */
  public KgCoOpLearner(LearnerContext context) {
    super("kgcoop", context.backbone().logitScale());
    KgCoOpSettings settings = context.settings(KgCoOpSettings.class);
    this.backbone = context.backbone();
    this.template = context.template();
    this.weight = (float) settings.w();
    this.coop = new CoOpLearner(KgCoOpFactory.NAME, backbone, context.classNames(),
        new CoOpSettings(settings.nCtx(), settings.ctxInit(), false, ClassTokenPosition.END), context.random());
  }

  /** Returns the hand-crafted template the learned features are pulled toward. */
  public String template() {
    return template;
  }

  /** Returns the frozen unit-norm hand-crafted class features [C, embed], row-major (a copy). */
  public float[] referenceFeatures() {
    return reference().clone();
  }

  private float[] reference() {
    if (reference == null) {
      reference = HandCraftedFeatures.compute(backbone, coop.classNames(), List.of(template));
    }
    return reference;
  }

  @Override
  public List<String> classNames() {
    return coop.classNames();
  }

  @Override
  public NDArray textFeatures(NDManager target, NDArray imageFeatures) {
    return coop.textFeatures(target, imageFeatures);
  }

  /**
   * Returns {@code w * (1 - mean_c cos(t_c, g_clip(c)))} for the step's text features [C, embed], a
   * scalar on {@code manager}.
   */
  /** Returns {@code "kg"}: KgCoOp's knowledge-guided term. */
  @Override
  public String extraLossName() {
    return "kg";
  }

  @Override
  public NDArray extraLoss(NDManager manager, NDArray textFeatures) {
    Shape s = textFeatures.getShape();
    int classes = coop.classNames().size();
    int embed = backbone.architecture().embedDim();
    if (s.dimension() != 2 || s.get(0) != classes || s.get(1) != embed) {
      throw new IllegalArgumentException("text features have shape " + s + ", expected (" + classes + ", " + embed + ")");
    }
    NDArray hand = EngineArrays.of(manager, reference(), new Shape(classes, embed));
    NDArray unit = textFeatures.div(textFeatures.norm(new int[] {-1}, true));
    NDArray meanCos = unit.mul(hand).sum(new int[] {-1}).mean();
    return EngineArrays.scalar(manager, 1f).sub(meanCos).mul(EngineArrays.scalar(manager, weight));
  }

  @Override
  public Map<String, NDArray> trainableParameters() {
    return coop.trainableParameters();
  }

  @Override
  public void loadState(Map<String, FloatTensor> tensors) {
    coop.loadState(tensors);
  }

  @Override
  public void setClassNames(List<String> classNames) {
    coop.setClassNames(classNames);
    reference = null;
  }

  /** Returns the underlying CoOp learner (prompt assembly and EOT positions). */
  public CoOpLearner coop() {
    return coop;
  }

  @Override
  public void close() {
    coop.close();
  }
}
