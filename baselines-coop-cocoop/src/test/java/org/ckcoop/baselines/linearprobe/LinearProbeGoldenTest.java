package org.ckcoop.baselines.linearprobe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The solver against numbers computed once by an independent float64 numpy implementation
 * ({@code tools/reference/linear_probe_reference.py}: Newton's method with the exact Hessian on
 * scikit-learn's objective, and CoOp's lpclip search loop copied verbatim), stored in
 * {@code linearprobe/golden.json}.
 */
class LinearProbeGoldenTest {
  static JsonNode golden;
  /** To the optimum: the gradient test alone (no relative-reduction stop), no practical iteration limit. */
  static final Lbfgs.Options TIGHT = new Lbfgs.Options(1e-11, 0, 100_000, 1_000_000, 10, 50);

  @BeforeAll
  static void read() throws IOException {
    try (InputStream in = LinearProbeGoldenTest.class.getResourceAsStream("golden.json")) {
      golden = new ObjectMapper().readTree(in);
    }
  }

  static float[] matrix(JsonNode rows) {
    List<Float> values = new ArrayList<>();
    rows.forEach(row -> row.forEach(v -> values.add((float) v.asDouble())));
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  static int[] ints(JsonNode list) {
    int[] out = new int[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i).asInt();
    }
    return out;
  }

  static double[] doubles(JsonNode rows) {
    List<Double> values = new ArrayList<>();
    if (rows.get(0).isArray()) {
      rows.forEach(row -> row.forEach(v -> values.add(v.asDouble())));
    } else {
      rows.forEach(v -> values.add(v.asDouble()));
    }
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  @Test
  void lbfgsMinimisesRosenbrockToItsKnownMinimum() {
    for (int n : new int[] {2, 10}) {
      Lbfgs.Objective rosenbrock = (x, g) -> {
        double f = 0;
        java.util.Arrays.fill(g, 0);
        for (int i = 0; i < x.length - 1; i++) {
          double a = x[i + 1] - x[i] * x[i];
          double b = 1 - x[i];
          f += 100 * a * a + b * b;
          g[i] += -400 * a * x[i] - 2 * b;
          g[i + 1] += 200 * a;
        }
        return f;
      };
      double[] start = new double[n];
      java.util.Arrays.fill(start, -1.2);
      Lbfgs.Result r = Lbfgs.minimize(rosenbrock, start, Lbfgs.Options.sklearn().with(1e-10, 10_000));
      assertThat(r.stop()).as("n=%d after %d iterations", n, r.iterations()).isIn(Lbfgs.Stop.GRADIENT,
          Lbfgs.Stop.RELATIVE_REDUCTION);
      for (double v : r.x()) {
        assertThat(v).isCloseTo(1.0, within(1e-6));
      }
      assertThat(r.iterations()).isLessThan(200);
      // deterministic: the same run again gives the same bits
      assertThat(Lbfgs.minimize(rosenbrock, start, Lbfgs.Options.sklearn().with(1e-10, 10_000)).x())
          .containsExactly(r.x());
    }
  }

  @Test
  void lbfgsStopsAtItsIterationLimitAndAtAStartThatIsAlreadyOptimal() {
    Lbfgs.Objective quadratic = (x, g) -> {
      double f = 0;
      for (int i = 0; i < x.length; i++) {
        g[i] = (i + 1) * (x[i] - 3);
        f += 0.5 * (i + 1) * (x[i] - 3) * (x[i] - 3);
      }
      return f;
    };
    Lbfgs.Result limited = Lbfgs.minimize(quadratic, new double[20], Lbfgs.Options.sklearn().with(1e-12, 2));
    assertThat(limited.stop()).isEqualTo(Lbfgs.Stop.MAX_ITERATIONS);
    assertThat(limited.iterations()).isEqualTo(2);
    assertThat(limited.converged()).isFalse();
    double[] optimum = new double[20];
    java.util.Arrays.fill(optimum, 3);
    Lbfgs.Result there = Lbfgs.minimize(quadratic, optimum, Lbfgs.Options.sklearn());
    assertThat(there.stop()).isEqualTo(Lbfgs.Stop.GRADIENT);
    assertThat(there.iterations()).isZero();
    assertThat(there.evaluations()).isEqualTo(1);
  }

  @Test
  void theObjectivesGradientIsItsDerivative() {
    for (JsonNode c : golden.get("cases")) {
      float[] x = matrix(c.get("x"));
      int[] y = ints(c.get("y"));
      int k = c.get("classes").asInt();
      int d = x.length / y.length;
      double[] xd = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        xd[i] = x[i];
      }
      Lbfgs.Objective f = k == 2 ? LogisticRegression.binary(xd, y, d, c.get("c").asDouble())
          : LogisticRegression.multinomial(xd, y, k, d, c.get("c").asDouble());
      int size = k == 2 ? d + 1 : k * (d + 1);
      double[] zero = new double[size];
      double[] g = new double[size];
      assertThat(f.evaluate(zero, g)).isCloseTo(c.get("objective_at_zero").asDouble(), within(1e-14));
      java.util.SplittableRandom random = new java.util.SplittableRandom(3);
      double[] theta = new double[size];
      for (int i = 0; i < size; i++) {
        theta[i] = random.nextGaussian() * 0.3;
      }
      f.evaluate(theta, g);
      for (int i = 0; i < size; i++) {
        double h = 1e-6;
        double[] plus = theta.clone();
        double[] minus = theta.clone();
        plus[i] += h;
        minus[i] -= h;
        double numeric = (f.evaluate(plus, new double[size]) - f.evaluate(minus, new double[size])) / (2 * h);
        assertThat(g[i]).as("%s gradient %d", c.get("name").asText(), i).isCloseTo(numeric, within(1e-8));
      }
    }
  }

  @Test
  void theObjectiveGivesTheSameBitsOnOneThreadAndOnMany() {
    int n = 403;
    int k = 37;
    int d = 70;
    java.util.SplittableRandom random = new java.util.SplittableRandom(8);
    double[] x = new double[n * d];
    int[] y = new int[n];
    double[] theta = new double[k * (d + 1)];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextGaussian();
    }
    for (int i = 0; i < n; i++) {
      y[i] = random.nextInt(k);
    }
    for (int i = 0; i < theta.length; i++) {
      theta[i] = random.nextGaussian() * 0.1;
    }
    double[] g1 = new double[theta.length];
    double[] g2 = new double[theta.length];
    double f1 = LogisticRegression.multinomial(x, y, k, d, 0.3, false).evaluate(theta, g1);
    double f2 = LogisticRegression.multinomial(x, y, k, d, 0.3, true).evaluate(theta, g2);
    assertThat(f2).isEqualTo(f1);
    assertThat(g2).containsExactly(g1);
  }

  @Test
  void fitsReachTheReferenceOptimum() {
    for (JsonNode c : golden.get("cases")) {
      String name = c.get("name").asText();
      float[] x = matrix(c.get("x"));
      int[] y = ints(c.get("y"));
      int k = c.get("classes").asInt();
      double[] weight = doubles(c.get("weight"));
      double[] bias = doubles(c.get("bias"));
      double objective = c.get("objective").asDouble();
      // solved to the optimum: the reference's weights
      LogisticRegression.Fit tight = LogisticRegression.fit(x, y, k, c.get("c").asDouble(), TIGHT);
      assertThat(tight.solver().converged()).as(name + " " + tight.solver()).isTrue();
      assertThat(tight.objective()).as(name).isCloseTo(objective, within(1e-12 * Math.max(1, objective)));
      double scale = java.util.Arrays.stream(weight).map(Math::abs).max().orElse(1);
      for (int i = 0; i < weight.length; i++) {
        assertThat(tight.weight()[i]).as("%s weight %d", name, i).isCloseTo(weight[i], within(1e-7 * Math.max(1, scale)));
      }
      for (int i = 0; i < bias.length; i++) {
        assertThat(tight.bias()[i]).as("%s bias %d", name, i).isCloseTo(bias[i], within(1e-7 * Math.max(1, scale)));
      }
      // the same optimum on the objective as scikit-learn before 1.4 scales it (sum of losses)
      LogisticRegression.Fit summed = LogisticRegression.fit(x, y, k, c.get("c").asDouble(),
          LogisticRegression.Scale.SUM, TIGHT);
      assertThat(summed.objective()).as(name).isCloseTo(objective, within(1e-12 * Math.max(1, objective)));
      for (int i = 0; i < weight.length; i++) {
        assertThat(summed.weight()[i]).as("%s weight %d", name, i).isCloseTo(weight[i], within(1e-6 * Math.max(1, scale)));
      }
      // with scikit-learn's settings (tol 1e-4) of either version: converged, the objective a little above the
      // optimum (on the mean scale the gradient test stops early on the ill-conditioned C = 100 case; on the sum
      // scale the gradient is N times larger, and SciPy's default ftol often stops it first), the same
      // predictions
      for (LogisticRegression.Scale s : LogisticRegression.Scale.values()) {
        LogisticRegression.Fit sklearn = LogisticRegression.fit(x, y, k, c.get("c").asDouble(), s, s.options(1e-4, 1000));
        assertThat(sklearn.solver().converged()).as(name + " " + s).isTrue();
        if (sklearn.solver().stop() == Lbfgs.Stop.GRADIENT) { // else SciPy's relative-reduction test stopped it
          assertThat(sklearn.solver().gradientMax()).isLessThanOrEqualTo(1e-4);
        }
        assertThat(sklearn.objective()).as(name + " " + s).isCloseTo(objective, within(s == LogisticRegression.Scale.SUM
            ? 1e-6 : 5e-5));
        assertThat(sklearn.objective()).isGreaterThanOrEqualTo(objective - 1e-13);
        assertThat(sklearn.predict(x)).as(name + " " + s).containsExactly(tight.predict(x));
      }
    }
  }

  @Test
  void theSearchOnRealFitsChoosesTheReferenceC() {
    JsonNode s = golden.get("search");
    float[] tx = matrix(s.get("train_x"));
    int[] ty = ints(s.get("train_y"));
    float[] vx = matrix(s.get("val_x"));
    int[] vy = ints(s.get("val_y"));
    int k = s.get("classes").asInt();
    List<Double> grid = new ArrayList<>();
    s.get("c_grid").forEach(v -> grid.add(v.asDouble()));
    double expected = s.get("chosen_c").asDouble();
    // solved to the optimum, as the reference: every candidate's validation score
    CSearch.Result<LogisticRegression.Fit> exact = CSearch.run(grid, s.get("steps").asInt(),
        c -> LogisticRegression.fit(tx, ty, k, c, TIGHT), f -> f.correct(vx, vy), vy.length);
    assertTrace(exact, s.get("trace"), vy.length, true);
    assertThat(exact.c()).isCloseTo(expected, within(1e-14 * expected));
    // with scikit-learn's tolerance of either version, as the learner runs it: the same peak and the same choice
    for (LogisticRegression.Scale scale : LogisticRegression.Scale.values()) {
      CSearch.Result<LogisticRegression.Fit> sklearn = CSearch.run(grid, s.get("steps").asInt(),
          c -> LogisticRegression.fit(tx, ty, k, c, scale, scale.options(1e-4, 1000)), f -> f.correct(vx, vy),
          vy.length);
      assertThat(sklearn.peak()).as(scale.name()).isEqualTo(1.0);
      assertThat(sklearn.c()).as(scale.name()).isCloseTo(expected, within(1e-14 * expected));
      assertThat(sklearn.accuracy()).isEqualTo(0.875);
    }
  }

  @Test
  void theSearchFollowsLpclipStepByStepIncludingTies() {
    JsonNode s = golden.get("stub_search");
    List<Double> grid = List.of(1e6, 1e4, 1e2, 1.0, 1e-2, 1e-4, 1e-6);
    // the reference's stub: correct validation examples out of 100, peaked at C = 10^0.7
    CSearch.Result<Double> r = CSearch.run(grid, 8, c -> c,
        c -> Math.max(0, (int) Math.floor(90 - 4 * Math.pow(Math.log10(c) - 0.7, 2))), 100);
    assertTrace(r, s.get("trace"), 100, false);
    assertThat(r.c()).isCloseTo(s.get("chosen_c").asDouble(), within(1e-13));
    assertThat(r.peak()).isEqualTo(1.0);
    assertThat(r.accuracy()).isEqualTo(0.89);
    assertThat(r.fits()).isLessThan(r.trace().size()); // the kept end is not refitted
    // no refinement: the coarse grid's best
    assertThat(CSearch.run(grid, 0, c -> c, c -> c == 1e2 ? 5 : 1, 10).c()).isEqualTo(1e2);
  }

  private static void assertTrace(CSearch.Result<?> r, JsonNode trace, int total, boolean fractions) {
    assertThat(r.trace()).hasSize(trace.size());
    for (int i = 0; i < trace.size(); i++) {
      double c = trace.get(i).get(0).asDouble();
      CSearch.Candidate mine = r.trace().get(i);
      assertThat(mine.c()).as("candidate %d", i).isCloseTo(c, within(1e-13 * c));
      int expected = fractions ? (int) Math.round(trace.get(i).get(1).asDouble() * total) : trace.get(i).get(1).asInt();
      assertThat(mine.correct()).as("candidate %d (C %s) correct", i, c).isEqualTo(expected);
    }
  }
}
