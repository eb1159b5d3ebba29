package org.ckcoop.baselines.linearprobe;

import java.util.stream.IntStream;

/**
 * L2-regularised logistic regression as scikit-learn's {@code LogisticRegression(penalty="l2", C=c,
 * solver="lbfgs")} fits it ({@code linear_model/_logistic.py}), in double precision:
 *
 * <ul>
 *   <li>more than two classes: the multinomial loss over all K classes (a weight row and an intercept
 *       per class), {@code C * sum_n [logsumexp(W x_n + b) - (W x_n + b)_(y_n)] + ||W||^2 / 2}, the
 *       intercepts not penalised;
 *   <li>two classes: the binary loss with one weight vector for class 1 (what {@code multi_class="auto"}
 *       picks), {@code C * sum_n [log(1 + exp(z_n)) - y_n z_n] + ||w||^2 / 2} with {@code z = w.x + b};
 *       kept as class-1 row {@code w/2} and class-0 row {@code -w/2} (the same decisions and
 *       probabilities);
 *   <li>from zero, by {@link Lbfgs}, on that objective divided as the chosen scikit-learn version divides
 *       it ({@link Scale}), which moves where {@code tol} stops the solver but not the optimum.
 * </ul>
 *
 * <p>The objective's sums over examples run in a fixed order, each output entry computed by one task,
 * so results do not depend on the number of threads.
 */
public final class LogisticRegression {
  private static final long PARALLEL_WORK = 1L << 20;

  private LogisticRegression() {}

  /** How the objective is divided before L-BFGS sees it (and its {@code tol} applies). */
  public enum Scale {
    /**
     * Divided by C: {@code sum of log-losses + ||W||^2 / (2 C)} (scikit-learn before 1.4: 1.0's
     * {@code _multinomial_loss_grad} / {@code _logistic_loss_and_grad} with {@code alpha = 1 / C}; what
     * CoOp's lpclip ran in 2021), with {@link Lbfgs.Options#sklearnBefore14()}.
     */
    SUM,
    /**
     * Divided by C N: {@code mean log-loss + ||W||^2 / (2 C N)} (scikit-learn >= 1.4, PR #26721,
     * {@code l2_reg_strength = 1 / (C * sw_sum)}), with {@link Lbfgs.Options#sklearn()}.
     */
    MEAN;

    /** Returns this version's solver settings with {@code tol} and {@code maxIter}. */
    public Lbfgs.Options options(double tol, int maxIter) {
      return (this == SUM ? Lbfgs.Options.sklearnBefore14() : Lbfgs.Options.sklearn()).with(tol, maxIter);
    }
  }

  /**
   * A fitted model.
   *
   * @param classes the number of classes K
   * @param width the feature width D
   * @param weight the weights [K, D] row-major
   * @param bias the intercepts [K]
   * @param objective the objective at the fit, as {@code mean log-loss + ||W||^2 / (2 C N)} whatever the
   *     {@link Scale} (so that fits compare)
   * @param solver the solver's outcome (iterations, why it stopped; its value in the solver's scale)
   */
  public record Fit(int classes, int width, double[] weight, double[] bias, double objective, Lbfgs.Result solver) {

    /** Returns the logits [N, K] of {@code features} [N, D] row-major. */
    public double[] logits(float[] features) {
      int n = features.length / width;
      double[] z = new double[n * classes];
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < classes; k++) {
          double s = bias[k];
          for (int j = 0; j < width; j++) {
            s += weight[k * width + j] * features[i * width + j];
          }
          z[i * classes + k] = s;
        }
      }
      return z;
    }

    /** Returns the predicted class of each row of {@code features}: the first largest logit (numpy's argmax). */
    public int[] predict(float[] features) {
      double[] z = logits(features);
      int n = z.length / classes;
      int[] out = new int[n];
      for (int i = 0; i < n; i++) {
        int best = 0;
        for (int k = 1; k < classes; k++) {
          if (z[i * classes + k] > z[i * classes + best]) {
            best = k;
          }
        }
        out[i] = best;
      }
      return out;
    }

    /** Returns how many rows of {@code features} are predicted as {@code labels}. */
    public int correct(float[] features, int[] labels) {
      int[] predicted = predict(features);
      int hits = 0;
      for (int i = 0; i < labels.length; i++) {
        hits += predicted[i] == labels[i] ? 1 : 0;
      }
      return hits;
    }
  }

  /** Fits the model on the {@link Scale#MEAN} objective with {@code options}. */
  public static Fit fit(float[] features, int[] labels, int classes, double c, Lbfgs.Options options) {
    return fit(features, labels, classes, c, Scale.MEAN, options);
  }

  /**
   * Fits the model.
   *
   * @param features [N, D] row-major
   * @param labels N labels in {@code [0, classes)}
   * @param classes K, at least 2 (a class without examples gets the penalty's pull to zero only)
   * @param c the inverse regularisation strength, positive
   * @param scale how the objective is divided for the solver
   * @param options the solver's settings
   */
  public static Fit fit(float[] features, int[] labels, int classes, double c, Scale scale, Lbfgs.Options options) {
    int n = labels.length;
    if (n == 0 || features.length % n != 0) {
      throw new IllegalArgumentException(features.length + " feature values for " + n + " labels");
    }
    if (classes < 2) {
      throw new IllegalArgumentException("logistic regression needs at least 2 classes, got " + classes);
    }
    if (!(c > 0) || Double.isInfinite(c)) {
      throw new IllegalArgumentException("C must be positive and finite, got " + c);
    }
    int d = features.length / n;
    for (int label : labels) {
      if (label < 0 || label >= classes) {
        throw new IllegalArgumentException("label " + label + " outside [0, " + classes + ")");
      }
    }
    double[] x = new double[features.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = features[i];
    }
    Lbfgs.Objective mean = classes == 2 ? binary(x, labels, d, c) : multinomial(x, labels, classes, d, c);
    Lbfgs.Objective objective = scale == Scale.MEAN ? mean : (theta, gradient) -> {
      double value = mean.evaluate(theta, gradient);
      for (int i = 0; i < gradient.length; i++) {
        gradient[i] *= n;
      }
      return value * n;
    };
    int size = classes == 2 ? d + 1 : classes * (d + 1);
    Lbfgs.Result result = Lbfgs.minimize(objective, new double[size], options);
    double value = scale == Scale.MEAN ? result.value() : result.value() / n;
    double[] theta = result.x();
    double[] weight = new double[classes * d];
    double[] bias = new double[classes];
    if (classes == 2) {
      for (int j = 0; j < d; j++) {
        weight[j] = -theta[j] / 2;
        weight[d + j] = theta[j] / 2;
      }
      bias[0] = -theta[d] / 2;
      bias[1] = theta[d] / 2;
    } else {
      for (int k = 0; k < classes; k++) {
        System.arraycopy(theta, k * (d + 1), weight, k * d, d);
        bias[k] = theta[k * (d + 1) + d];
      }
    }
    return new Fit(classes, d, weight, bias, value, result);
  }

  /** Rows (examples) and classes handled together, so that a block's operands stay in cache. */
  private static final int BLOCK = 16;

  /** The multinomial objective; theta holds per class its D weights, then its intercept. */
  static Lbfgs.Objective multinomial(double[] x, int[] y, int classes, int d, double c) {
    return multinomial(x, y, classes, d, c, (long) y.length * classes * d >= PARALLEL_WORK);
  }

  /** As {@link #multinomial(double[], int[], int, int, double)}, with the blocks in parallel or not. */
  static Lbfgs.Objective multinomial(double[] x, int[] y, int classes, int d, double c, boolean parallel) {
    int n = y.length;
    double penalty = 1.0 / (c * n);
    return (theta, gradient) -> {
      double[] r = new double[n * classes];
      double[] losses = new double[n];
      // W transposed [D, K]: a block of rows accumulates its logits as axpys over the classes, each logit
      // still summed as bias + x_0 w_0 + x_1 w_1 + ... in that order (the same bits as a dot product)
      double[] wt = new double[d * classes];
      for (int k = 0; k < classes; k++) {
        for (int j = 0; j < d; j++) {
          wt[j * classes + k] = theta[k * (d + 1) + j];
        }
      }
      range((n + BLOCK - 1) / BLOCK, parallel).forEach(block -> {
        int from = block * BLOCK;
        int to = Math.min(n, from + BLOCK);
        for (int i = from; i < to; i++) {
          for (int k = 0; k < classes; k++) {
            r[i * classes + k] = theta[k * (d + 1) + d];
          }
        }
        for (int j = 0; j < d; j++) {
          int w = j * classes;
          for (int i = from; i < to; i++) {
            double xv = x[i * d + j];
            int out = i * classes;
            for (int k = 0; k < classes; k++) {
              r[out + k] += xv * wt[w + k];
            }
          }
        }
        for (int i = from; i < to; i++) {
          int out = i * classes;
          double max = Double.NEGATIVE_INFINITY;
          for (int k = 0; k < classes; k++) {
            max = Math.max(max, r[out + k]);
          }
          double sum = 0;
          for (int k = 0; k < classes; k++) {
            sum += Math.exp(r[out + k] - max);
          }
          double lse = max + Math.log(sum);
          losses[i] = lse - r[out + y[i]];
          for (int k = 0; k < classes; k++) {
            r[out + k] = (Math.exp(r[out + k] - lse) - (k == y[i] ? 1 : 0)) / n;
          }
        }
      });
      // G = R^T X: a block of classes at a time, each class's row summed over the examples in order
      range((classes + BLOCK - 1) / BLOCK, parallel).forEach(block -> {
        int from = block * BLOCK;
        int to = Math.min(classes, from + BLOCK);
        double[] g = new double[(to - from) * d];
        double[] bias = new double[to - from];
        for (int i = 0; i < n; i++) {
          int row = i * d;
          for (int k = from; k < to; k++) {
            double ri = r[i * classes + k];
            bias[k - from] += ri;
            int o = (k - from) * d;
            for (int j = 0; j < d; j++) {
              g[o + j] += ri * x[row + j];
            }
          }
        }
        for (int k = from; k < to; k++) {
          int w = k * (d + 1);
          int o = (k - from) * d;
          for (int j = 0; j < d; j++) {
            gradient[w + j] = g[o + j] + penalty * theta[w + j];
          }
          gradient[w + d] = bias[k - from];
        }
      });
      double loss = 0;
      for (double l : losses) {
        loss += l;
      }
      double norm = 0;
      for (int k = 0; k < classes; k++) {
        for (int j = 0; j < d; j++) {
          double v = theta[k * (d + 1) + j];
          norm += v * v;
        }
      }
      return loss / n + 0.5 * penalty * norm;
    };
  }

  /** The binary objective; theta holds the D weights of class 1, then its intercept. */
  static Lbfgs.Objective binary(double[] x, int[] y, int d, double c) {
    int n = y.length;
    boolean parallel = (long) n * d >= PARALLEL_WORK;
    double penalty = 1.0 / (c * n);
    return (theta, gradient) -> {
      double[] r = new double[n];
      double[] losses = new double[n];
      range(n, parallel).forEach(i -> {
        double z = theta[d];
        for (int j = 0; j < d; j++) {
          z += theta[j] * x[i * d + j];
        }
        // log(1 + exp(z)) and sigmoid(z) without overflow
        double softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
        double p = z > 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
        losses[i] = softplus - y[i] * z;
        r[i] = (p - y[i]) / n;
      });
      double bias = 0;
      double[] g = new double[d];
      for (int i = 0; i < n; i++) {
        bias += r[i];
        for (int j = 0; j < d; j++) {
          g[j] += r[i] * x[i * d + j];
        }
      }
      double norm = 0;
      for (int j = 0; j < d; j++) {
        gradient[j] = g[j] + penalty * theta[j];
        norm += theta[j] * theta[j];
      }
      gradient[d] = bias;
      double loss = 0;
      for (double l : losses) {
        loss += l;
      }
      return loss / n + 0.5 * penalty * norm;
    };
  }

  private static IntStream range(int n, boolean parallel) {
    IntStream s = IntStream.range(0, n);
    return parallel ? s.parallel() : s;
  }
}
