package org.ckcoop.baselines.linearprobe;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Timing of the logistic regression at a field-sized few-shot problem (100 classes, 16 shots, 512
 * features, CLIP-like feature scale): one objective evaluation and one fit at sklearn's settings. Not part
 * of the default build: run with {@code -Dtest=LinearProbeSpeedBenchmark}.
 */
class LinearProbeSpeedBenchmark {
  @Test
  void timeAFieldSizedFit() {
    int classes = 100;
    int shots = 16;
    int d = 512;
    int n = classes * shots;
    SplittableRandom random = new SplittableRandom(1);
    float[] centres = new float[classes * d];
    for (int i = 0; i < centres.length; i++) {
      centres[i] = (float) random.nextGaussian() * 0.3f;
    }
    float[] x = new float[n * d];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % classes;
      for (int j = 0; j < d; j++) {
        x[i * d + j] = centres[y[i] * d + j] + (float) random.nextGaussian() * 0.5f;
      }
    }
    double[] xd = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      xd[i] = x[i];
    }
    Lbfgs.Objective f = LogisticRegression.multinomial(xd, y, classes, d, 1.0);
    double[] theta = new double[classes * (d + 1)];
    double[] g = new double[theta.length];
    for (int warm = 0; warm < 3; warm++) {
      f.evaluate(theta, g);
    }
    long t = System.nanoTime();
    int evals = 10;
    for (int i = 0; i < evals; i++) {
      f.evaluate(theta, g);
    }
    double perEval = (System.nanoTime() - t) / 1e9 / evals;
    for (LogisticRegression.Scale scale : LogisticRegression.Scale.values()) {
      for (double c : new double[] {1e-2, 1.0, 100.0}) {
        t = System.nanoTime();
        LogisticRegression.Fit fit = LogisticRegression.fit(x, y, classes, c, scale, scale.options(1e-4, 1000));
        double seconds = (System.nanoTime() - t) / 1e9;
        System.out.printf(Locale.ROOT, "N %d K %d D %d: %.3f s per evaluation; %s C %g: %d iterations, %d"
            + " evaluations, %s, %.1f s%n", n, classes, d, perEval, scale, c, fit.solver().iterations(),
            fit.solver().evaluations(), fit.solver().stop(), seconds);
      }
    }
  }
}
