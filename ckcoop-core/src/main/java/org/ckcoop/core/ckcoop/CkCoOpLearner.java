package org.ckcoop.core.ckcoop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ckcoop.common.engine.EngineArrays;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.common.InputException;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.learner.TrainableArrays;
import org.ckcoop.core.prompt.ContextPrompts;
import org.ckcoop.dictionary.KMeansOptions;
import org.ckcoop.kronecker.Kronecker;
import org.ckcoop.kronecker.KroneckerInit;
import org.ckcoop.kronecker.KroneckerShape;
import org.ckcoop.core.learner.text.TextPromptLearner;

/**
 * CK-CoOp: the context {@code T = C (D_com + alpha * K)}, {@code K = A_1 (x) ... (x) A_P}, placed into
 * CoOp's prompt {@code "<ctx> <class name>."}. State tensors: {@code coefficients} [n_ctx, k],
 * {@code dictionary} [k, width] (frozen, stored so a state file is self-contained) and
 * {@code kronecker.factors.0} ... {@code kronecker.factors.{P-1}} [k_p, d_p].
 */
public final class CkCoOpLearner extends TextPromptLearner {
  private final ClipBackbone backbone;
  private final CkCoOpSettings settings;
  private final int nCtx;
  private final String placeholder;
  private final NDManager manager;
  private final NDArray coefficients;
  private final NDArray dictionary;
  /** The Kronecker part's weight alpha as an engine-owned 0-d array (never a Java number under the collector). */
  private final NDArray alpha;
  private final NDList factors;
  private final KroneckerShape shape;
  private ContextPrompts prompts;

  CkCoOpLearner(LearnerContext context, DictionaryStore store) {
    super("ckcoop", context.backbone().logitScale());
    this.backbone = context.backbone();
    this.settings = context.settings(CkCoOpSettings.class);
    int width = backbone.architecture().text().width();
    int k = settings.k();
    String ctxInit = settings.ctxInit().replace('_', ' '); // as CoOp: ctx_init.replace("_", " ")
    float[] words = ctxInit.isBlank() ? null : ContextPrompts.wordEmbeddings(backbone, ctxInit);
    this.nCtx = words == null ? settings.nCtx() : words.length / width;
    this.placeholder = words == null ? String.join(" ", Collections.nCopies(nCtx, "x")) : ctxInit;
    this.shape = kroneckerShape(k, width);
    float[] centroids = settings.useDictionary()
        ? store.get(backbone, new KMeansOptions(k, settings.kmeansSeed(), settings.kmeansIterations(),
            settings.kmeansTolerance(), settings.kmeansNormalize(), 0)).centroids()
        : new float[k * width];
    float[] initial = switch (settings.coefficientInit()) {
      case WORDS -> settings.coefficients() == CkCoOpSettings.Coefficients.SOFTMAX
          ? nearestCentroidLogits(words, centroids, k, width)
          : ridgeFit(words, centroids, nCtx, k, width, settings.ridge());
      case RANDOM -> random(context.random(), nCtx * k, settings.initStd());
    };
    this.manager = EngineRuntime.engine().newBaseManager(backbone.device());
    try {
      this.coefficients = TrainableArrays.create(manager, initial, new Shape(nCtx, k));
      this.dictionary = EngineArrays.of(manager, centroids, new Shape(k, width));
      this.alpha = EngineArrays.scalar(manager, (float) settings.alpha());
      this.factors = new KroneckerInit(context.seed() ^ 0x5DEECE66DL, settings.factorInitStd()).create(manager, shape);
      if (settings.useKronecker()) {
        factors.forEach(f -> f.setRequiresGradient(true));
      }
      this.prompts = ContextPrompts.build(backbone, context.classNames(), placeholder, nCtx, settings.classTokenPosition());
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  private KroneckerShape kroneckerShape(int k, int width) {
    try {
      return settings.factorShapes().isEmpty()
          ? KroneckerShape.balanced(k, width, settings.factors())
          : KroneckerShape.parse(String.join(",", settings.factorShapes())).requireMatrix(k, width);
    } catch (IllegalArgumentException e) {
      throw new InputException(settings.factorShapes().isEmpty() ? "learner.ckcoop.factors" : "learner.ckcoop.factor_shapes",
          e.getMessage() + " (k = " + k + ", width = " + width + ")", e);
    }
  }

  /** Returns the Kronecker factor shapes in use. */
  public KroneckerShape kroneckerShape() {
    return shape;
  }

  @Override
  public List<String> classNames() {
    return prompts.classNames();
  }

  /**
   * Returns the context {@code T} [n_ctx, width] on {@code step} (differentiable with respect to the
   * coefficients and factors).
   */
  public NDArray context(NDManager step) {
    NDArray c = coefficients.get(step, new NDIndex("..."));
    NDArray weights = settings.coefficients() == CkCoOpSettings.Coefficients.SOFTMAX ? c.softmax(-1) : c;
    NDArray bases = settings.useDictionary() ? dictionary.get(step, new NDIndex("...")) : null;
    if (settings.useKronecker()) {
      NDArray kron = Kronecker.product(step, factors);
      if (settings.alpha() != 1.0) {
        kron = kron.mul(alpha);
      }
      bases = bases == null ? kron : bases.add(kron);
    }
    return weights.matMul(bases);
  }

  @Override
  public NDArray textFeatures(NDManager step, NDArray imageFeatures) {
    return prompts.encode(backbone, step, context(step), null);
  }

  @Override
  public Map<String, NDArray> trainableParameters() {
    Map<String, NDArray> out = new LinkedHashMap<>();
    out.put("coefficients", coefficients);
    if (settings.useKronecker()) {
      for (int p = 0; p < factors.size(); p++) {
        out.put("kronecker.factors." + p, factors.get(p));
      }
    }
    return out;
  }

  @Override
  public Map<String, NDArray> stateTensors() {
    Map<String, NDArray> out = new LinkedHashMap<>();
    out.put("coefficients", coefficients);
    out.put("dictionary", dictionary);
    for (int p = 0; p < factors.size(); p++) {
      out.put("kronecker.factors." + p, factors.get(p));
    }
    return out;
  }

  @Override
  public void loadState(Map<String, FloatTensor> tensors) {
    Map<String, NDArray> expected = stateTensors();
    if (!tensors.keySet().equals(expected.keySet())) {
      throw new InputException("ckcoop learner state", "expected the tensors " + expected.keySet() + ", got " + tensors.keySet());
    }
    for (Map.Entry<String, NDArray> e : expected.entrySet()) {
      FloatTensor t = tensors.get(e.getKey());
      if (!Arrays.equals(t.shape(), e.getValue().getShape().getShape())) {
        throw new InputException("ckcoop learner state", "tensor '" + e.getKey() + "' has shape "
            + Arrays.toString(t.shape()) + ", expected " + e.getValue().getShape());
      }
    }
    expected.forEach((name, array) -> TrainableArrays.overwrite(array, tensors.get(name).data()));
  }

  @Override
  public void setClassNames(List<String> classNames) {
    ContextPrompts old = prompts;
    prompts = ContextPrompts.build(backbone, classNames, placeholder, nCtx, settings.classTokenPosition());
    old.close();
  }

  @Override
  public void close() {
    prompts.close();
    manager.close();
  }

  /**
   * Fits C [n, k] so that {@code C D} approximates {@code X} [n, width] in the least-squares sense with
   * a ridge {@code lambda = ridge * trace(D D^T) / k}: {@code C = X D^T (D D^T + lambda I)^-1}.
   */
  static float[] ridgeFit(float[] x, float[] d, int n, int k, int width, double ridge) {
    double[][] gram = new double[k][k];
    double trace = 0;
    for (int i = 0; i < k; i++) {
      for (int j = i; j < k; j++) {
        double s = 0;
        for (int c = 0; c < width; c++) {
          s += (double) d[i * width + c] * d[j * width + c];
        }
        gram[i][j] = s;
        gram[j][i] = s;
      }
      trace += gram[i][i];
    }
    double lambda = Math.max(ridge * trace / k, 1e-12);
    for (int i = 0; i < k; i++) {
      gram[i][i] += lambda;
    }
    double[][] l = cholesky(gram);
    float[] out = new float[n * k];
    for (int r = 0; r < n; r++) {
      double[] b = new double[k];
      for (int i = 0; i < k; i++) {
        double s = 0;
        for (int c = 0; c < width; c++) {
          s += (double) d[i * width + c] * x[r * width + c];
        }
        b[i] = s;
      }
      double[] y = solve(l, b);
      for (int i = 0; i < k; i++) {
        out[r * k + i] = (float) y[i];
      }
    }
    return out;
  }

  private static double[][] cholesky(double[][] a) {
    int n = a.length;
    double[][] l = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i][j];
        for (int p = 0; p < j; p++) {
          s -= l[i][p] * l[j][p];
        }
        l[i][j] = i == j ? Math.sqrt(s) : s / l[j][j];
      }
    }
    return l;
  }

  private static double[] solve(double[][] l, double[] b) {
    int n = b.length;
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double s = b[i];
      for (int p = 0; p < i; p++) {
        s -= l[i][p] * y[p];
      }
      y[i] = s / l[i][i];
    }
    double[] x = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double s = y[i];
      for (int p = i + 1; p < n; p++) {
        s -= l[p][i] * x[p];
      }
      x[i] = s / l[i][i];
    }
    return x;
  }

  /** Softmax logits that put most weight on each word's nearest centroid (5 on it, 0 elsewhere). */
  private static float[] nearestCentroidLogits(float[] words, float[] d, int k, int width) {
    int n = words.length / width;
    float[] out = new float[n * k];
    for (int r = 0; r < n; r++) {
      int best = 0;
      double bestDistance = Double.MAX_VALUE;
      for (int i = 0; i < k; i++) {
        double s = 0;
        for (int c = 0; c < width; c++) {
          double diff = words[r * width + c] - d[i * width + c];
          s += diff * diff;
        }
        if (s < bestDistance) {
          bestDistance = s;
          best = i;
        }
      }
      out[r * k + best] = 5f;
    }
    return out;
  }

  private static float[] random(SplittableRandom random, int count, double std) {
    float[] out = new float[count];
    for (int i = 0; i < count; i++) {
      out[i] = (float) (std * random.nextGaussian());
    }
    return out;
  }
}
