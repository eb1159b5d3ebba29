package org.ckcoop.baselines.coop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.common.InputException;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.core.learner.StateTensors;
import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.learner.TrainableArrays;
import org.ckcoop.core.prompt.ClassTokenPosition;
import org.ckcoop.core.prompt.ContextPrompts;
import org.ckcoop.core.learner.text.TextPromptLearner;

/**
 * CoOp: class text features from a learned context placed into each class's prompt.
 *
 * <p>Per class, the placeholder prompt {@code "<placeholder> <class name>."} is tokenised and embedded
 * with the frozen token table ({@code _} in names read as spaces); the context replaces the placeholder
 * positions, arranged by {@code class_token_position}, and the text tower reads the feature at that
 * prompt's EOT. State tensor: {@code ctx}, [n_ctx, width], or [n_cls, n_ctx, width] with {@code csc}.
 *
 * <p>Changing the class names rebuilds only the fixed prompt parts. A class-specific context belongs
 * to class indices: it carries over to a list of the same length (the i-th context serves the i-th
 * name) and a list of another length is refused.
 */
public final class CoOpLearner extends TextPromptLearner {
  /** The state tensor's name. */
  public static final String CTX = "ctx";

  private final String name;
  private final ClipBackbone backbone;
  private final ContextInit init;
  private final boolean csc;
  private final ClassTokenPosition position;
  private final NDManager manager;
  private final NDArray context;
  private ContextPrompts prompts;

  /** Builds a CoOp learner from its context ({@code learner.coop.*} settings). */
  public CoOpLearner(LearnerContext context) {
    this("coop", context.backbone(), context.classNames(), context.settings(CoOpSettings.class), context.random());
  }

  /**
   * Builds a CoOp-style learner.
   *
   * @param name the learner's name, for setting keys in messages ({@code learner.<name>.n_ctx})
   * @param backbone the frozen CLIP
   * @param classNames class names in label order
   * @param settings the context's settings
   * @param random the source of a random initialisation
   * @throws InputException naming the setting when the settings contradict each other or a prompt does
   *     not fit the context length
   */
  public CoOpLearner(
      String name, ClipBackbone backbone, List<String> classNames, CoOpSettings settings, SplittableRandom random) {
    super(name, backbone.logitScale());
    this.name = name;
    this.backbone = backbone;
    String prefix = "learner." + name;
    if (settings.csc() && !settings.ctxInit().isBlank()) {
      throw new InputException(prefix + ".csc", "a class-specific context starts at random only (as in CoOp);"
          + " leave " + prefix + ".ctx_init empty, or set csc to false");
    }
    this.init = ContextInit.resolve(backbone, prefix, settings.nCtx(), settings.ctxInit());
    this.csc = settings.csc();
    this.position = settings.classTokenPosition();
    int width = backbone.architecture().text().width();
    int copies = csc ? classNames.size() : 1;
    Shape shape = csc ? new Shape(copies, init.length(), width) : new Shape(init.length(), width);
    float[] initial = init.values(backbone, copies, random);
    this.prompts = build(classNames);
    this.manager = EngineRuntime.engine().newBaseManager(backbone.device());
    this.context = TrainableArrays.create(manager, initial, shape);
  }

  private ContextPrompts build(List<String> classNames) {
    return ContextPrompts.build(backbone, classNames, init.placeholder(), init.length(), position);
  }

  @Override
  public List<String> classNames() {
    return prompts.classNames();
  }

  /** Returns the number of context vectors. */
  public int contextVectors() {
    return init.length();
  }

  /**
   * Returns the assembled prompts [C, L, width] (fixed token embeddings with the context in place),
   * cut after the longest EOT, on {@code target}; what {@link #textFeatures} encodes.
   */
  public NDArray promptEmbeddings(NDManager target) {
    return prompts.assemble(target, context);
  }

  /** Returns each class's EOT position in {@link #promptEmbeddings}. */
  public int[] eotPositions() {
    return prompts.eotPositions();
  }

  @Override
  public NDArray textFeatures(NDManager target, NDArray imageFeatures) {
    return prompts.encode(backbone, target, context, null);
  }

  @Override
  public Map<String, NDArray> trainableParameters() {
    return Map.of(CTX, context);
  }

  @Override
  public void loadState(Map<String, FloatTensor> tensors) {
    StateTensors.requireMatching(name, tensors, trainableParameters(), csc
        ? "the class-specific context has one row per class: " + classNames().size() + " class names here"
        : "n_ctx " + init.length() + " and the text width " + backbone.architecture().text().width() + " here");
    TrainableArrays.overwrite(context, tensors.get(CTX).data());
  }

  @Override
  public void setClassNames(List<String> classNames) {
    if (csc && classNames.size() != prompts.classNames().size()) {
      throw new InputException("learner." + name + ".csc", "the class-specific context was learned for "
          + prompts.classNames().size() + " classes and cannot serve " + classNames.size()
          + " class names; only a shared context (csc = false) carries over to other classes");
    }
    ContextPrompts old = prompts;
    prompts = build(classNames);
    old.close();
  }

  @Override
  public void close() {
    prompts.close();
    manager.close();
  }
}
