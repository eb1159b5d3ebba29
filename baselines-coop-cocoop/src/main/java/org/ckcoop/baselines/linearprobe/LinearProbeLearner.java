package org.ckcoop.baselines.linearprobe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.common.InputException;
import org.ckcoop.common.engine.EngineArrays;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.core.classify.PromptClassifier;
import org.ckcoop.core.learner.BatchClassifier;
import org.ckcoop.core.learner.LearnerBatch;
import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.learner.StateTensors;
import org.ckcoop.core.learner.StepOutput;
import org.ckcoop.core.learner.text.TextPromptLearner;
import org.ckcoop.core.train.DirectFit;
import org.ckcoop.core.train.FitReport;
import org.ckcoop.core.train.TrainingData;

/**
 * Linear-probe CLIP: a multinomial logistic regression on the frozen image features, as CoOp's
 * {@code lpclip/linear_probe.py} fits it with scikit-learn, its C chosen on the validation split by
 * {@link CSearch} (or fixed by {@code learner.linear_probe.c}).
 *
 * <ul>
 *   <li>Input: the cached image features of CLIP's test preprocessing, projected and <b>not</b>
 *       normalised (lpclip's {@code feat_extractor.py} saves {@code clip_model.visual(image)} as is), of
 *       the few-shot training split; the validation split (at most 4 shots per class, lpclip's
 *       {@code val_shot_list}) chooses C. The text tower is not used.
 *   <li>State: {@code weight} [K, E] and {@code bias} [K] of the K classes it was fitted on, in float32
 *       (fitted in double). Logits are {@code x W^T + b}: a probe's scores, not CLIP's scaled cosines.
 *       Before the fit both are zero (scikit-learn's start).
 *   <li>Classes: it classifies only the classes it was fitted on. {@link #setClassNames} accepts a
 *       reordering or a subset of them (their rows are selected by name) and refuses any other name;
 *       {@link #transfersToOtherClasses()} is false, so a study refuses base-to-new and transfer to other
 *       classes before anything trains.
 * </ul>
 */
public final class LinearProbeLearner implements PromptLearner, DirectFit {
  private static final String HINT_PREFIX = "a linear probe has one weight row per class: ";

  private final LinearProbeSettings settings;
  private final NDManager manager;
  private final int width;
  private final List<String> fitted;
  private final NDArray weightArray;
  private final NDArray biasArray;
  private float[] weight;
  private float[] bias;
  private List<String> classNames;
  private int[] rows;

  /** Builds an unfitted probe (zero weights) for the context's classes. */
  public LinearProbeLearner(LearnerContext context) {
    this.settings = context.settings(LinearProbeSettings.class);
    this.width = context.backbone().architecture().embedDim();
    this.fitted = context.classNames();
    this.classNames = fitted;
    this.rows = identity(fitted.size());
    this.weight = new float[fitted.size() * width];
    this.bias = new float[fitted.size()];
    this.manager = EngineRuntime.engine().newBaseManager(context.backbone().device());
    this.weightArray = EngineArrays.of(manager, weight, new Shape(fitted.size(), width));
    this.biasArray = EngineArrays.of(manager, bias, new Shape(fitted.size()));
  }

  @Override
  public List<String> classNames() {
    return classNames;
  }

  /**
   * Switches to {@code names}, each one of the fitted classes (a reordering or a subset).
   *
   * @throws InputException naming a class the probe was not fitted on
   */
  @Override
  public void setClassNames(List<String> names) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < fitted.size(); i++) {
      index.putIfAbsent(fitted.get(i), i);
    }
    int[] selected = new int[names.size()];
    for (int i = 0; i < names.size(); i++) {
      Integer row = index.get(names.get(i));
      if (row == null) {
        throw new InputException("learner.name = " + LinearProbePlugin.NAME, "class '" + names.get(i)
            + "' is not one of the " + fitted.size() + " classes the probe was fitted on: a linear probe has no"
            + " weights for classes it never saw (CoOp reports it in the few-shot setting only; use protocol"
            + " few-shot)");
      }
      selected[i] = row;
    }
    this.classNames = List.copyOf(names);
    this.rows = selected;
  }

  @Override
  public boolean transfersToOtherClasses() {
    return false;
  }

  /** Nothing is trained by gradient: the fit is {@link #fit}'s. */
  @Override
  public Map<String, NDArray> trainableParameters() {
    return Map.of();
  }

  @Override
  public Map<String, NDArray> stateTensors() {
    Map<String, NDArray> out = new LinkedHashMap<>();
    out.put("weight", weightArray);
    out.put("bias", biasArray);
    return out;
  }

  @Override
  public long learnableParameterCount() {
    return (long) fitted.size() * (width + 1);
  }

  @Override
  public void loadState(Map<String, FloatTensor> tensors) {
    StateTensors.requireMatching(LinearProbePlugin.NAME, tensors, stateTensors(),
        HINT_PREFIX + fitted.size() + " classes here");
    setState(tensors.get("weight").data(), tensors.get("bias").data());
  }

  private void setState(float[] newWeight, float[] newBias) {
    EngineArrays.overwrite(weightArray, newWeight);
    EngineArrays.overwrite(biasArray, newBias);
    this.weight = newWeight.clone();
    this.bias = newBias.clone();
  }

  /** Returns the fitted weights [K, E] as float32 values (rows of the fitted classes). */
  public float[] weight() {
    return weight.clone();
  }

  /** Returns the fitted intercepts [K]. */
  public float[] bias() {
    return bias.clone();
  }

  @Override
  public StepOutput forward(LearnerBatch batch) {
    NDArray logits = classifier(batch.manager()).logits(batch);
    Map<String, NDArray> losses = new LinkedHashMap<>();
    if (batch.training() && batch.labels() != null) {
      losses.put(TextPromptLearner.CROSS_ENTROPY, PromptClassifier.crossEntropy(logits, batch.labels()));
    }
    return new StepOutput(logits, losses);
  }

  @Override
  public BatchClassifier classifier(NDManager target) {
    int k = classNames.size();
    float[] transposed = new float[width * k];
    float[] selectedBias = new float[k];
    for (int c = 0; c < k; c++) {
      int row = rows[c];
      selectedBias[c] = bias[row];
      for (int j = 0; j < width; j++) {
        transposed[j * k + c] = weight[row * width + j];
      }
    }
    NDArray w = EngineArrays.of(target, transposed, new Shape(width, k));
    NDArray b = EngineArrays.of(target, selectedBias, new Shape(k));
    return batch -> batch.imageFeatures().matMul(w).add(b);
  }

  /**
   * Fits the probe on all training examples (their first cached view): C by lpclip's search on
   * {@code validation}, or the fixed {@code learner.linear_probe.c}. The report's loss is the fitted
   * objective {@code mean log-loss + ||W||^2 / (2 C N)}; its metrics are {@code c} (the chosen C),
   * {@code c_peak} (the coarse grid's best), {@code val_accuracy} (percent, of the chosen C),
   * {@code fits} (distinct C values fitted), {@code iterations}, {@code converged} (1 when the final fit
   * met its tolerance, 0 when it stopped at {@code max_iter}, as scikit-learn's ConvergenceWarning) and
   * {@code gradient_max}.
   *
   * @throws InputException when C is to be searched and there are no validation examples, or a label is
   *     outside the fitted classes
   */
  @Override
  public FitReport fit(TrainingData train, TrainingData validation) {
    if (!classNames.equals(fitted)) {
      throw new IllegalStateException("fit after setClassNames: build the probe for the classes it fits");
    }
    int classes = fitted.size();
    if (classes < 2) {
      throw new InputException("learner.name = " + LinearProbePlugin.NAME, "a linear probe needs at least 2 classes,"
          + " got " + classes);
    }
    float[] x = features(train);
    int[] y = labels(train, classes, "training");
    LogisticRegression.Scale scale = settings.lossScale();
    Lbfgs.Options options = scale.options(settings.tol(), settings.maxIter());
    List<String> log = new ArrayList<>();
    TreeMap<String, Double> metrics = new TreeMap<>();
    LogisticRegression.Fit chosen;
    double c;
    if (settings.c() > 0) {
      c = settings.c();
      chosen = LogisticRegression.fit(x, y, classes, c, scale, options);
      if (validation != null && validation.size() > 0) {
        metrics.put("val_accuracy", 100.0 * chosen.correct(features(validation), labels(validation, classes,
            "validation")) / validation.size());
      }
      metrics.put("fits", 1.0);
      log.add(String.format(Locale.ROOT, "fixed C %s (learner.linear_probe.c)", c));
    } else {
      if (validation == null || validation.size() == 0) {
        throw new InputException("learner.linear_probe.c", "is 0 (choose C on the validation split, as CoOp's lpclip"
            + " does), but the training split brings no validation examples; set a fixed C, e.g."
            + " learner.linear_probe.c=1");
      }
      float[] vx = features(validation);
      int[] vy = labels(validation, classes, "validation");
      CSearch.Result<LogisticRegression.Fit> search = CSearch.run(settings.cGrid(), settings.searchSteps(),
          cc -> LogisticRegression.fit(x, y, classes, cc, scale, options), f -> f.correct(vx, vy), vy.length);
      for (CSearch.Candidate candidate : search.trace()) {
        log.add(String.format(Locale.ROOT, "C search (%s): C %s, validation %d/%d (%.2f%%)", candidate.phase(),
            candidate.c(), candidate.correct(), candidate.total(), 100 * candidate.accuracy()));
      }
      c = search.c();
      chosen = search.fit();
      metrics.put("c_peak", search.peak());
      metrics.put("val_accuracy", 100 * search.accuracy());
      metrics.put("fits", (double) search.fits());
      log.add(String.format(Locale.ROOT, "chosen C %s (coarse grid's best %s), validation accuracy %.2f%%", c,
          search.peak(), 100 * search.accuracy()));
    }
    metrics.put("c", c);
    metrics.put("iterations", (double) chosen.solver().iterations());
    metrics.put("converged", chosen.solver().converged() ? 1.0 : 0.0);
    metrics.put("gradient_max", chosen.solver().gradientMax());
    if (!chosen.solver().converged()) {
      log.add("the final fit stopped at " + chosen.solver().stop().name().toLowerCase(Locale.ROOT)
          + " before its tolerance (scikit-learn would warn: lbfgs failed to converge)");
    }
    float[] w = new float[classes * width];
    float[] b = new float[classes];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) chosen.weight()[i];
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) chosen.bias()[i];
    }
    setState(w, b);
    double accuracy = 100.0 * chosen.correct(x, y) / y.length;
    return new FitReport(chosen.objective(), accuracy, chosen.solver().iterations(), metrics, log);
  }

  private float[] features(TrainingData data) {
    if (data.featureWidth() != width) {
      throw new InputException("learner.name = " + LinearProbePlugin.NAME, "features of width " + data.featureWidth()
          + ", but the backbone's embedding has " + width);
    }
    float[] out = new float[data.size() * width];
    int[] all = identity(data.size());
    data.features(all, 0, out, 0);
    return out;
  }

  private static int[] labels(TrainingData data, int classes, String what) {
    int[] out = new int[data.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = data.label(i);
      if (out[i] < 0 || out[i] >= classes) {
        throw new InputException("learner.name = " + LinearProbePlugin.NAME, what + " example " + i + " has label "
            + out[i] + ", outside the " + classes + " classes");
      }
    }
    return out;
  }

  private static int[] identity(int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = i;
    }
    return out;
  }

  @Override
  public void close() {
    manager.close();
  }
}
