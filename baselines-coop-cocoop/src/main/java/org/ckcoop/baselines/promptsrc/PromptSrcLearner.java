package org.ckcoop.baselines.promptsrc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ckcoop.common.engine.EngineArrays;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.baselines.ivlp.IvlpLearner;
import org.ckcoop.core.prompt.HandCraftedFeatures;
import org.ckcoop.core.classify.PromptClassifier;
import org.ckcoop.core.learner.LearnerBatch;
import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.StateTensors;
import org.ckcoop.core.learner.StepOutput;
import org.ckcoop.core.learner.TrainableArrays;
import org.ckcoop.core.learner.text.TextPromptLearner;

/**
 * PromptSRC as its official code trains it ({@code trainers/promptsrc.py} at bb95c77): IVLP's prompts
 * (text and vision, 4 + 4 tokens, depth 9/9 at ViT-B/16: 46,080 parameters) with
 *
 * <ul>
 *   <li><b>losses</b> ({@code promptsrc.py:297-316}): {@code cross_entropy}; {@code kl} =
 *       {@code sum p0 (log p0 - log p) / (B C)} between the frozen model's logits {@code z0 = s v0 . t0}
 *       and the prompted ones; {@code text_l1} = {@code 25 * mean |t - t0|} and {@code image_l1} =
 *       {@code 10 * mean |v - v0|} on unit-norm features, where {@code t0} is the normalised mean of the
 *       frozen (unnormalised) text features over the templates, and {@code v0} the frozen image features
 *       of the same augmented views;
 *   <li><b>Gaussian prompt aggregation</b> ({@code promptsrc.py:263-270, 319-360}): after each epoch e
 *       (1-based) the learned state is added to a running sum with weight {@code N(e; mean, std)}
 *       (normalised over the run's epochs); after the last epoch the sum replaces the state, which is
 *       what is tested and saved. The sums are state tensors ({@code gpa.<name>}), so a resumed run
 *       aggregates exactly.
 * </ul>
 *
 * <p>Differences from the official code, by necessity: F32 throughout (it runs fp16 on a GPU); the
 * aggregation covers the learned tensors only (the official one also averages the frozen fp16 backbone
 * with itself, which only adds fp16 rounding); the template list is a setting (see
 * {@link PromptSrcSettings#templates()}).
 */
public final class PromptSrcLearner extends IvlpLearner {
  /** PromptSRC's image consistency term (L1 to the frozen model's features) needs them. */
  @Override
  public boolean needsFrozenImageFeatures() {
    return true;
  }

  /** The prefix of the aggregation sums' state names. */
  public static final String GPA = "gpa.";

  private final PromptSrcSettings settings;
  private final List<String> templates;
  private final Map<String, NDArray> sums = new LinkedHashMap<>();
  private float[] frozenText;

  /** Builds the learner from its context ({@code learner.promptsrc.*} settings). */
  public PromptSrcLearner(LearnerContext context) {
    this(context, context.settings(PromptSrcSettings.class));
  }

  private PromptSrcLearner(LearnerContext context, PromptSrcSettings settings) {
    super(PromptSrcPlugin.NAME, context, settings.architecture());
    this.settings = settings;
    this.templates = settings.templates().isEmpty() ? List.of(context.template()) : List.copyOf(settings.templates());
    trainableParameters().forEach((name, p) -> sums.put(GPA + name, manager.zeros(p.getShape())));
  }

  @Override
  public StepOutput forward(LearnerBatch batch) {
    NDManager step = batch.manager();
    NDArray text = textFeatures(step);
    NDArray image = imageFeatures(step, batch.pixels());
    float scale = backbone.logitScale();
    NDArray logits = PromptClassifier.logits(image, text, scale);
    Map<String, NDArray> losses = new LinkedHashMap<>();
    if (batch.training() && batch.labels() != null) {
      int classes = classNames().size();
      int embed = backbone.architecture().embedDim();
      NDArray t0 = EngineArrays.of(step, frozenText(), new Shape(classes, embed));
      NDArray frozenImage = batch.imageFeatures().stopGradient();
      NDArray v0 = PromptClassifier.normalize(frozenImage);
      NDArray z0 = PromptClassifier.logits(frozenImage, t0, scale);
      losses.put(TextPromptLearner.CROSS_ENTROPY, PromptClassifier.crossEntropy(logits, batch.labels()));
      NDArray logP0 = z0.logSoftmax(1);
      NDArray kl = logP0.exp().mul(logP0.sub(logits.logSoftmax(1))).sum()
          .div(EngineArrays.scalar(step, (float) batch.size() * classes));
      losses.put("kl", kl);
      losses.put("text_l1", PromptClassifier.normalize(text).sub(t0).abs().mean()
          .mul(EngineArrays.scalar(step, (float) settings.textLossWeight())));
      losses.put("image_l1", PromptClassifier.normalize(image).sub(v0).abs().mean()
          .mul(EngineArrays.scalar(step, (float) settings.imageLossWeight())));
    }
    return new StepOutput(logits, losses);
  }

  /**
   * The frozen text features [C, embed], unit norm: the mean of the frozen model's (unnormalised)
   * features of every template, normalised ({@code promptsrc.py:116-128, 199-200}).
   */
  float[] frozenText() {
    if (frozenText == null) {
      int classes = classNames().size();
      int embed = backbone.architecture().embedDim();
      double[] sum = new double[classes * embed];
      for (String template : templates) {
        float[] f = HandCraftedFeatures.encode(backbone, classNames(), template);
        for (int i = 0; i < f.length; i++) {
          sum[i] += f[i];
        }
      }
      float[] out = new float[classes * embed];
      for (int c = 0; c < classes; c++) {
        double norm = 0;
        for (int j = 0; j < embed; j++) {
          double v = sum[c * embed + j] / templates.size();
          norm += v * v;
        }
        norm = Math.sqrt(norm);
        for (int j = 0; j < embed; j++) {
          out[c * embed + j] = (float) (sum[c * embed + j] / templates.size() / norm);
        }
      }
      frozenText = out;
    }
    return frozenText;
  }

  @Override
  public void onEpochEnd(int epoch, int epochs) {
    double[] weights = settings.gpaWeights(epochs);
    try (NDManager scratch = EngineRuntime.engine().newBaseManager(backbone.device())) {
      NDArray w = EngineArrays.scalar(scratch, (float) weights[epoch]);
      trainableParameters().forEach((name, p) -> sums.get(GPA + name).addi(w.mul(p)));
    }
    if (epoch == epochs - 1) {
      trainableParameters().forEach((name, p) -> TrainableArrays.overwrite(p, sums.get(GPA + name).toFloatArray()));
    }
  }

  @Override
  public Map<String, NDArray> stateTensors() {
    Map<String, NDArray> out = new LinkedHashMap<>(trainableParameters());
    out.putAll(sums);
    return out;
  }

  @Override
  public void loadState(Map<String, FloatTensor> tensors) {
    Map<String, FloatTensor> learned = new LinkedHashMap<>();
    tensors.forEach((k, v) -> {
      if (!k.startsWith(GPA)) {
        learned.put(k, v);
      }
    });
    StateTensors.requireMatching(PromptSrcPlugin.NAME, tensors, stateTensors(), "n_ctx and the tower widths here");
    super.loadState(learned);
    sums.forEach((k, array) -> TrainableArrays.overwrite(array, tensors.get(k).data()));
  }

  @Override
  public void setClassNames(List<String> classNames) {
    super.setClassNames(classNames);
    frozenText = null;
  }
}
