package org.ckcoop.baselines.cocoop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.common.InputException;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.core.learner.StateTensors;
import org.ckcoop.baselines.coop.ContextInit;
import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.learner.TrainableArrays;
import org.ckcoop.core.prompt.ClassTokenPosition;
import org.ckcoop.core.prompt.ContextPrompts;
import org.ckcoop.core.learner.text.TextPromptLearner;

/**
 * CoCoOp: for each image, {@code pi = Linear2(ReLU(Linear1(f / ||f||)))} (a meta-net on the
 * L2-normalised image feature {@code f}) is added to every context vector, and prompts for all classes
 * are built with that shifted context ({@code "<ctx> <class name>."}, class name at the end, features
 * read at the placeholder prompt's EOT). Text features are [B, C, embed].
 *
 * <p>State tensors (PyTorch's [out, in] convention): {@code ctx} [n_ctx, width],
 * {@code meta_net.linear1.weight} [embed/16, embed], {@code meta_net.linear1.bias} [embed/16],
 * {@code meta_net.linear2.weight} [width, embed/16], {@code meta_net.linear2.bias} [width]. The meta-net
 * starts as PyTorch's default {@code nn.Linear} (weights and biases uniform in
 * [-1/sqrt(fan_in), 1/sqrt(fan_in)]), drawn in Java after the context from the seeded generator, in
 * the order above.
 *
 * <p>Several images go through the text tower in one pass, up to about {@value #PROMPTS_PER_PASS}
 * prompts (at least one image) per pass.
 */
public final class CoCoOpLearner extends TextPromptLearner {
  /** The context's state name. */
  public static final String CTX = "ctx";
  /** The meta-net's first weight's state name. */
  public static final String LINEAR1_WEIGHT = "meta_net.linear1.weight";
  /** The meta-net's first bias's state name. */
  public static final String LINEAR1_BIAS = "meta_net.linear1.bias";
  /** The meta-net's second weight's state name. */
  public static final String LINEAR2_WEIGHT = "meta_net.linear2.weight";
  /** The meta-net's second bias's state name. */
  public static final String LINEAR2_BIAS = "meta_net.linear2.bias";
  /**
   * The default number of prompts per text-tower pass. On 2 CPU cores with a ViT-B/16-sized text tower,
   * evaluating 100 images x 50 classes took 20.2 s at 50 prompts per pass (one image), 19.2 s at 250 and
   * 27.9 s at 1024.
   */
  public static final int PROMPTS_PER_PASS = 256;

  private final ClipBackbone backbone;
  private final ContextInit init;
  private final int promptsPerPass;
  private final NDManager manager;
  private final Map<String, NDArray> parameters;
  private final NDArray context;
  private final NDArray weight1;
  private final NDArray bias1;
  private final NDArray weight2;
  private final NDArray bias2;
  private ContextPrompts prompts;

  /** Builds the learner from its context ({@code learner.cocoop.*} settings). */
  public CoCoOpLearner(LearnerContext context) {
    this(context, PROMPTS_PER_PASS);
  }

  CoCoOpLearner(LearnerContext context, int promptsPerPass) {
    super(CoCoOpFactory.NAME, context.backbone().logitScale());
    CoCoOpSettings settings = context.settings(CoCoOpSettings.class);
    this.backbone = context.backbone();
    this.promptsPerPass = promptsPerPass;
    this.init = ContextInit.resolve(backbone, "learner." + CoCoOpFactory.NAME, settings.nCtx(), settings.ctxInit());
    int embed = backbone.architecture().embedDim();
    int width = backbone.architecture().text().width();
    int hidden = embed / 16;
    if (hidden < 1) {
      throw new InputException("backbone", "CoCoOp's meta-net needs an embedding width of at least 16 (embed/16"
          + " hidden units), this one has " + embed);
    }
    SplittableRandom random = context.random();
    float[] ctx = init.values(backbone, 1, random);
    float[] w1 = uniform(random, hidden * embed, embed);
    float[] b1 = uniform(random, hidden, embed);
    float[] w2 = uniform(random, width * hidden, hidden);
    float[] b2 = uniform(random, width, hidden);
    this.prompts = build(context.classNames());
    this.manager = EngineRuntime.engine().newBaseManager(backbone.device());
    this.context = TrainableArrays.create(manager, ctx, new Shape(init.length(), width));
    this.weight1 = TrainableArrays.create(manager, w1, new Shape(hidden, embed));
    this.bias1 = TrainableArrays.create(manager, b1, new Shape(hidden));
    this.weight2 = TrainableArrays.create(manager, w2, new Shape(width, hidden));
    this.bias2 = TrainableArrays.create(manager, b2, new Shape(width));
    Map<String, NDArray> p = new LinkedHashMap<>();
    p.put(CTX, this.context);
    p.put(LINEAR1_WEIGHT, weight1);
    p.put(LINEAR1_BIAS, bias1);
    p.put(LINEAR2_WEIGHT, weight2);
    p.put(LINEAR2_BIAS, bias2);
    this.parameters = java.util.Collections.unmodifiableMap(p);
  }

  /** PyTorch's default {@code nn.Linear} draw: U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
  private static float[] uniform(SplittableRandom random, int count, int fanIn) {
    double bound = 1.0 / Math.sqrt(fanIn);
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) (random.nextDouble(-bound, bound));
    }
    return values;
  }

  private ContextPrompts build(List<String> classNames) {
    return ContextPrompts.build(backbone, classNames, init.placeholder(), init.length(), ClassTokenPosition.END);
  }

  @Override
  public List<String> classNames() {
    return prompts.classNames();
  }

  @Override
  public boolean imageConditional() {
    return true;
  }

  /** Returns each class's EOT position in the per-image prompts. */
  public int[] eotPositions() {
    return prompts.eotPositions();
  }

  /**
   * Returns the meta-net's output {@code pi} [B, width] for image features [B, embed] (normalised
   * here first); the result belongs to the image features' manager.
   */
  public NDArray metaNet(NDArray imageFeatures) {
    NDArray unit = imageFeatures.div(imageFeatures.norm(new int[] {-1}, true));
    NDArray hidden = Activation.relu(Linear.linear(unit, weight1, bias1).singletonOrThrow());
    return Linear.linear(hidden, weight2, bias2).singletonOrThrow();
  }

  /**
   * Returns the per-image contexts {@code ctx + pi(x)} [B, n_ctx, width]; the result belongs to the
   * image features' manager.
   */
  public NDArray shiftedContext(NDArray imageFeatures) {
    return metaNet(imageFeatures).expandDims(1).add(context);
  }

  @Override
  public NDArray textFeatures(NDManager target, NDArray imageFeatures) {
    if (imageFeatures == null) {
      throw new IllegalArgumentException("CoCoOp's text features depend on the image: image features are required");
    }
    Shape s = imageFeatures.getShape();
    int embed = backbone.architecture().embedDim();
    if (s.dimension() != 2 || s.get(1) != embed) {
      throw new IllegalArgumentException("image features have shape " + s + ", expected (B, " + embed + ")");
    }
    int images = Math.toIntExact(s.get(0));
    int classes = prompts.classNames().size();
    int perPass = Math.max(1, promptsPerPass / classes);
    if (images <= perPass) {
      return encode(target, imageFeatures, images);
    }
    NDList parts = new NDList();
    for (int from = 0; from < images; from += perPass) {
      int to = Math.min(images, from + perPass);
      parts.add(encode(target, imageFeatures.get(new NDIndex(from + ":" + to)), to - from));
    }
    return NDArrays.concat(parts, 0);
  }

  private NDArray encode(NDManager target, NDArray imageFeatures, int images) {
    NDArray features = prompts.encodePerImage(backbone, target, shiftedContext(imageFeatures));
    return features.reshape(images, prompts.classNames().size(), backbone.architecture().embedDim());
  }

  @Override
  public Map<String, NDArray> trainableParameters() {
    return parameters;
  }

  @Override
  public void loadState(Map<String, FloatTensor> tensors) {
    StateTensors.requireMatching(CoCoOpFactory.NAME, tensors, parameters,
        "n_ctx " + init.length() + ", embed " + backbone.architecture().embedDim() + " and text width "
            + backbone.architecture().text().width() + " here");
    parameters.forEach((name, array) -> TrainableArrays.overwrite(array, tensors.get(name).data()));
  }

  @Override
  public void setClassNames(List<String> classNames) {
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
