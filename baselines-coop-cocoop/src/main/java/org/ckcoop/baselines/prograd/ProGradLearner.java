package org.ckcoop.baselines.prograd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineArrays;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.common.InputException;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.baselines.coop.ContextInit;
import org.ckcoop.core.prompt.HandCraftedFeatures;
import org.ckcoop.core.classify.PromptClassifier;
import org.ckcoop.core.learner.GradientShaping;
import org.ckcoop.core.learner.LearnerBatch;
import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.StepOutput;
import org.ckcoop.core.learner.TrainableArrays;
import org.ckcoop.core.learner.text.TextPromptLearner;
import org.ckcoop.core.prompt.ClassTokenPosition;
import org.ckcoop.core.prompt.ContextPrompts;

/**
 * ProGrad, as its official code trains it ({@code BeierZhu/Prompt-align} at 1b76203,
 * {@code ProGrad.public/trainers/prograd.py} and {@code Dassl.ProGrad.pytorch/dassl/engine/trainer.py}):
 *
 * <ul>
 *   <li><b>Prompt:</b> CoOp's, one shared context {@code ctx} [n_ctx, width], class token at the end.
 *       With template init ({@code CTX_INIT True}, {@code prograd.py:78-95}) the init words are the
 *       dataset's template without {@code " {}."}; with {@code w} their whitespace word count, the
 *       first {@code n_ctx - w} context vectors are zero and the last {@code w} are the embeddings of
 *       the words' first {@code w} tokens; the placeholder is {@code "X " * (n_ctx - w) + words}, so a
 *       template with a comma (one token more than words) keeps its last token fixed after the
 *       context, as the official prompt does.
 *   <li><b>Losses</b> ({@code ProGradLoss}, {@code prograd.py:280-293}): {@code cross_entropy} and
 *       {@code kl = T^2 * mean_b sum_c -softmax(z0 / T) * log_softmax(z / T)}, where {@code z0} are the
 *       zero-shot logits of the hand-crafted prompts (the dataset's template) on the same images.
 *   <li><b>Gradient</b> ({@code trainer.py:311-349}): each term differentiated on its own; per
 *       parameter tensor, when {@code g_ce . g_kl < 0} the update uses
 *       {@code g_ce - lambda * (g_ce . g_kl) / ||g_kl||^2 * g_kl}, otherwise {@code g_ce} alone (the KL
 *       gradient only sets a direction). SGD's weight decay and momentum apply after the projection.
 * </ul>
 *
 * <p>The official code runs the student in fp16 on a GPU; here everything is F32.
 */
public final class ProGradLearner extends TextPromptLearner {
  /** The state tensor's name. */
  public static final String CTX = "ctx";
  /** The name of the distillation term. */
  public static final String KL = "kl";

  private final ClipBackbone backbone;
  private final String template;
  private final int nCtx;
  private final String placeholder;
  private final float lambda;
  private final float temperature;
  private final NDManager manager;
  private final NDArray context;
  private ContextPrompts prompts;
  private float[] zeroShot;

  /** Builds the learner from its context ({@code learner.prograd.*} settings). */
  public ProGradLearner(LearnerContext context) {
    super(ProGradPlugin.NAME, context.backbone().logitScale());
    ProGradSettings settings = context.settings(ProGradSettings.class);
    this.backbone = context.backbone();
    this.template = context.template();
    this.nCtx = settings.nCtx();
    this.lambda = (float) settings.lambda();
    this.temperature = (float) settings.temperature();
    int width = backbone.architecture().text().width();
    String words = initWords(settings.ctxInit(), template);
    float[] initial = new float[nCtx * width];
    if (words.isEmpty()) {
      SplittableRandom random = context.random();
      for (int i = 0; i < initial.length; i++) {
        initial[i] = (float) (ContextInit.INIT_STD * random.nextGaussian());
      }
      this.placeholder = String.join(" ", Collections.nCopies(nCtx, "X"));
    } else {
      int w = words.split(" ").length;
      if (w > nCtx) {
        throw new InputException("learner.prograd.ctx_init", "'" + words + "' has " + w + " words, more than n_ctx = "
            + nCtx + " context vectors");
      }
      float[] embedded = ContextPrompts.wordEmbeddings(backbone, words);
      int tokens = embedded.length / width;
      int copy = Math.min(w, tokens);
      System.arraycopy(embedded, 0, initial, (nCtx - w) * width, copy * width);
      this.placeholder = ("X ".repeat(nCtx - w) + words).trim();
    }
    this.prompts = build(context.classNames());
    this.manager = EngineRuntime.engine().newBaseManager(backbone.device());
    this.context = TrainableArrays.create(manager, initial, new Shape(nCtx, width));
  }

  /** ProGrad's init words: the setting, else the template without {@code " {}."}; empty for random. */
  static String initWords(String setting, String template) {
    String s = setting.replace('_', ' ').trim();
    if (s.equals("none")) {
      return "";
    }
    if (!s.isEmpty()) {
      return s;
    }
    String words = template.replace(" {}.", "").trim();
    if (words.contains("{}")) {
      throw new InputException("learner.prograd.ctx_init", "the dataset template '" + template + "' does not end in"
          + " ' {}.', so ProGrad's template init has no words; set learner.prograd.ctx_init (or 'none' for random)");
    }
    return words;
  }

  private ContextPrompts build(List<String> classNames) {
    return ContextPrompts.build(backbone, classNames, placeholder, nCtx, ClassTokenPosition.END);
  }

  /** Returns the placeholder text whose first {@code n_ctx} tokens the context replaces. */
  public String placeholder() {
    return placeholder;
  }

  @Override
  public List<String> classNames() {
    return prompts.classNames();
  }

  @Override
  public NDArray textFeatures(NDManager target, NDArray imageFeatures) {
    return prompts.encode(backbone, target, context, null);
  }

  @Override
  public StepOutput forward(LearnerBatch batch) {
    StepOutput plain = super.forward(batch);
    if (plain.losses().isEmpty()) {
      return plain;
    }
    Map<String, NDArray> losses = new LinkedHashMap<>(plain.losses());
    losses.put(KL, distillation(batch.manager(), plain.logits(), zeroShotLogits(batch.manager(), batch.imageFeatures())));
    return new StepOutput(plain.logits(), losses);
  }

  /** Returns the zero-shot logits [B, C] of the hand-crafted prompts (no gradient). */
  NDArray zeroShotLogits(NDManager step, NDArray imageFeatures) {
    int classes = classNames().size();
    int embed = backbone.architecture().embedDim();
    NDArray text = EngineArrays.of(step, zeroShotFeatures(), new Shape(classes, embed));
    return PromptClassifier.logits(imageFeatures.stopGradient(), text, backbone.logitScale());
  }

  /** {@code T^2 * mean_b sum_c -softmax(z0 / T) * log_softmax(z / T)}, a 0-d array on {@code step}. */
  NDArray distillation(NDManager step, NDArray logits, NDArray zeroShotLogits) {
    NDArray t = EngineArrays.scalar(step, temperature);
    NDArray teacher = zeroShotLogits.div(t).softmax(1);
    NDArray student = logits.div(t).logSoftmax(1);
    long batch = logits.getShape().get(0);
    return teacher.mul(student).sum().neg().div(EngineArrays.scalar(step, batch)).mul(t.mul(t));
  }

  /** The hand-crafted class features of the dataset's template, unit norm [C, embed] (computed once per class list). */
  private float[] zeroShotFeatures() {
    if (zeroShot == null) {
      zeroShot = HandCraftedFeatures.compute(backbone, classNames(), List.of(template));
    }
    return zeroShot;
  }

  @Override
  public GradientShaping gradientShaping() {
    return (step, byTerm) -> {
      Map<String, NDArray> ce = byTerm.get(CROSS_ENTROPY);
      Map<String, NDArray> kl = byTerm.get(KL);
      Map<String, NDArray> out = new LinkedHashMap<>();
      for (Map.Entry<String, NDArray> e : ce.entrySet()) {
        out.put(e.getKey(), project(step, e.getValue(), kl.get(e.getKey()), lambda));
      }
      return out;
    };
  }

  /**
   * ProGrad's projection of one parameter's gradients: {@code gCe - lambda * (gCe . gKl) / ||gKl||^2 * gKl}
   * when {@code gCe . gKl < 0}, else {@code gCe}; flattened within the tensor, the result on {@code step}.
   */
  static NDArray project(NDManager step, NDArray gCe, NDArray gKl, float lambda) {
    NDArray dot = gCe.mul(gKl).sum();
    if (!(dot.getFloat() < 0)) {
      return gCe.get(step, new ai.djl.ndarray.index.NDIndex("..."));
    }
    NDArray squaredNorm = gKl.mul(gKl).sum();
    NDArray coefficient = EngineArrays.scalar(step, lambda).mul(dot).div(squaredNorm);
    return gCe.sub(gKl.mul(coefficient));
  }

  @Override
  public Map<String, NDArray> trainableParameters() {
    return Map.of(CTX, context);
  }

  @Override
  public void loadState(Map<String, FloatTensor> tensors) {
    loadState(tensors, "n_ctx " + nCtx + " and the text width " + backbone.architecture().text().width() + " here");
  }

  @Override
  public void setClassNames(List<String> classNames) {
    ContextPrompts old = prompts;
    prompts = build(classNames);
    zeroShot = null;
    old.close();
  }

  @Override
  public void close() {
    prompts.close();
    manager.close();
  }
}
