package org.ckcoop.baselines.linearprobe;

/**
 * Limited-memory BFGS for a smooth unconstrained function in double precision, with the stopping rules
 * and line search of SciPy's {@code L-BFGS-B} (v3.0, the solver behind scikit-learn's
 * {@code solver="lbfgs"}) when no bound is set:
 *
 * <ul>
 *   <li>the quasi-Newton direction from the last {@code m} (default 10) pairs {@code s = x' - x},
 *       {@code y = g' - g} (two-loop recursion with the initial scaling {@code s.y / y.y}; a pair whose
 *       curvature {@code s.y} is not above {@code eps * (-g.s)} is skipped, as L-BFGS-B does); with no
 *       pair yet, steepest descent, whose first trial step is {@code 1 / ||g||};
 *   <li>the Moré-Thuente line search (MINPACK-2 {@code dcsrch}/{@code dcstep}) with L-BFGS-B's
 *       constants {@code ftol = 1e-3}, {@code gtol = 0.9}, {@code xtol = 0.1}, at most {@code maxls}
 *       evaluations per search (scikit-learn passes 50);
 *   <li>stop when the largest gradient entry is at most {@code gtol} (scikit-learn's {@code tol},
 *       1e-4), checked at the start and after every iteration; or when the relative reduction
 *       {@code (f - f') / max(|f|, |f'|, 1)} is at most {@code ftol} (scikit-learn passes
 *       {@code 64 * eps}); or after {@code maxIterations} iterations (scikit-learn's {@code max_iter},
 *       1000) or {@code maxEvaluations} evaluations (SciPy's {@code maxfun}, 15000).
 * </ul>
 *
 * <p>Deterministic: single-threaded arithmetic in a fixed order (the objective may use threads, as long
 * as its own result does not depend on them). Not a copy of SciPy's code: the same method, written
 * from its description, so iterates agree in exact arithmetic but not to the last bit.
 */
public final class Lbfgs {

  /** A function to minimise: writes the gradient at {@code x} into {@code gradient}, returns the value. */
  @FunctionalInterface
  public interface Objective {
    /** Returns f(x) and writes its gradient into {@code gradient} (same length as {@code x}). */
    double evaluate(double[] x, double[] gradient);
  }

  /**
   * The solver's settings.
   *
   * @param gtol stop when the largest gradient entry is at most this
   * @param ftol stop when the relative reduction of f in an iteration is at most this
   * @param maxIterations the most iterations
   * @param maxEvaluations the most function evaluations
   * @param memory the number of correction pairs kept
   * @param maxLineSearch the most evaluations of one line search
   */
  public record Options(double gtol, double ftol, int maxIterations, int maxEvaluations, int memory,
      int maxLineSearch) {

    /**
     * scikit-learn >= 1.4's {@code LogisticRegression(solver="lbfgs")}: gtol 1e-4, ftol 64 eps, 50
     * line-search steps, 1000 iterations.
     */
    public static Options sklearn() {
      return new Options(1e-4, 64 * Math.ulp(1.0), 1000, 15000, 10, 50);
    }

    /**
     * scikit-learn before 1.4 (what CoOp's lpclip ran in 2021), as 1.0's {@code _logistic.py} calls SciPy:
     * only {@code gtol} and {@code maxiter} passed, SciPy's defaults for the rest (ftol
     * {@code factr 1e7 * eps} = 2.2e-9, 20 line-search steps).
     */
    public static Options sklearnBefore14() {
      return new Options(1e-4, 1e7 * Math.ulp(1.0), 1000, 15000, 10, 20);
    }

    /** These options with another gradient tolerance and iteration limit (the others kept). */
    public Options with(double gtol, int maxIterations) {
      return new Options(gtol, ftol, maxIterations, maxEvaluations, memory, maxLineSearch);
    }
  }

  /** Why the solver stopped. */
  public enum Stop {
    /** The largest gradient entry fell to {@code gtol}: converged. */
    GRADIENT,
    /** The relative reduction of f fell to {@code ftol}: converged. */
    RELATIVE_REDUCTION,
    /** {@code maxIterations} reached (scikit-learn warns "lbfgs failed to converge"). */
    MAX_ITERATIONS,
    /** {@code maxEvaluations} reached. */
    MAX_EVALUATIONS,
    /** No step along a fresh steepest-descent direction decreased f (rounding-level progress only). */
    LINE_SEARCH
  }

  /**
   * The solver's outcome.
   *
   * @param x the last point
   * @param value f(x)
   * @param gradientMax the largest gradient entry at x
   * @param iterations the iterations done
   * @param evaluations the function evaluations done
   * @param stop why it stopped
   */
  public record Result(double[] x, double value, double gradientMax, int iterations, int evaluations, Stop stop) {
    /** Returns true when a tolerance was met (not a limit). */
    public boolean converged() {
      return stop == Stop.GRADIENT || stop == Stop.RELATIVE_REDUCTION;
    }
  }

  private static final double EPS = Math.ulp(1.0);
  private static final double LS_FTOL = 1e-3;
  private static final double LS_GTOL = 0.9;
  private static final double LS_XTOL = 0.1;
  private static final double STEP_MAX = 1e10;

  private Lbfgs() {}

  /** Minimises {@code f} from {@code start} (not modified). */
  public static Result minimize(Objective f, double[] start, Options options) {
    int n = start.length;
    double[] x = start.clone();
    double[] g = new double[n];
    double fx = f.evaluate(x, g);
    int evaluations = 1;
    int iterations = 0;
    int m = options.memory();
    double[][] s = new double[m][];
    double[][] y = new double[m][];
    double[] rho = new double[m];
    int pairs = 0;
    int newest = -1;
    double[] d = new double[n];
    double[] xNew = new double[n];
    double[] gNew = new double[n];
    double[] alpha = new double[m];
    if (maxAbs(g) <= options.gtol()) {
      return new Result(x, fx, maxAbs(g), 0, evaluations, Stop.GRADIENT);
    }
    while (true) {
      // the direction d = -H g
      for (int i = 0; i < n; i++) {
        d[i] = -g[i];
      }
      if (pairs > 0) {
        for (int k = 0; k < pairs; k++) {
          int j = Math.floorMod(newest - k, m);
          alpha[j] = rho[j] * dot(s[j], d);
          axpy(-alpha[j], y[j], d);
        }
        double gamma = dot(s[newest], y[newest]) / dot(y[newest], y[newest]);
        for (int i = 0; i < n; i++) {
          d[i] *= gamma;
        }
        for (int k = pairs - 1; k >= 0; k--) {
          int j = Math.floorMod(newest - k, m);
          double beta = rho[j] * dot(y[j], d);
          axpy(alpha[j] - beta, s[j], d);
        }
      }
      double gd = dot(g, d);
      if (!(gd < 0)) {
        if (pairs == 0) { // steepest descent is no descent direction: f is flat to rounding here
          return new Result(x, fx, maxAbs(g), iterations, evaluations, Stop.LINE_SEARCH);
        }
        pairs = 0; // as L-BFGS-B: forget the memory and restart from steepest descent
        continue;
      }
      double step = pairs == 0 && iterations == 0 ? Math.min(1.0 / Math.sqrt(dot(d, d)), STEP_MAX) : 1.0;
      LineSearch search = new LineSearch(f, x, d, fx, gd, xNew, gNew, options.maxLineSearch(),
          options.maxEvaluations() - evaluations);
      boolean found = search.run(step);
      evaluations += search.evaluations;
      if (!found || !(search.value <= fx)) {
        if (evaluations >= options.maxEvaluations()) {
          return new Result(x, fx, maxAbs(g), iterations, evaluations, Stop.MAX_EVALUATIONS);
        }
        if (pairs == 0) {
          return new Result(x, fx, maxAbs(g), iterations, evaluations, Stop.LINE_SEARCH);
        }
        pairs = 0; // L-BFGS-B restarts from steepest descent after a failed search
        continue;
      }
      double fOld = fx;
      double[] sNew = new double[n];
      double[] yNew = new double[n];
      for (int i = 0; i < n; i++) {
        sNew[i] = xNew[i] - x[i];
        yNew[i] = gNew[i] - g[i];
      }
      double gdOld = dot(g, sNew);
      System.arraycopy(xNew, 0, x, 0, n);
      System.arraycopy(gNew, 0, g, 0, n);
      fx = search.value;
      iterations++;
      double gmax = maxAbs(g);
      // SciPy's driver checks the limits when L-BFGS-B reports the new point, before L-BFGS-B's tests
      if (iterations >= options.maxIterations()) {
        return new Result(x, fx, gmax, iterations, evaluations, Stop.MAX_ITERATIONS);
      }
      if (evaluations > options.maxEvaluations()) {
        return new Result(x, fx, gmax, iterations, evaluations, Stop.MAX_EVALUATIONS);
      }
      if (gmax <= options.gtol()) {
        return new Result(x, fx, gmax, iterations, evaluations, Stop.GRADIENT);
      }
      if (fOld - fx <= options.ftol() * Math.max(Math.max(Math.abs(fOld), Math.abs(fx)), 1.0)) {
        return new Result(x, fx, gmax, iterations, evaluations, Stop.RELATIVE_REDUCTION);
      }
      double sy = dot(sNew, yNew);
      if (sy > EPS * -gdOld) {
        newest = (newest + 1) % m;
        s[newest] = sNew;
        y[newest] = yNew;
        rho[newest] = 1.0 / sy;
        pairs = Math.min(pairs + 1, m);
      }
    }
  }

  /** Moré and Thuente's line search (MINPACK-2 dcsrch) along d from x, as L-BFGS-B calls it. */
  private static final class LineSearch {
    private final Objective f;
    private final double[] x;
    private final double[] d;
    private final double finit;
    private final double ginit;
    private final double[] xt;
    private final double[] gt;
    private final int maxEvaluations;
    int evaluations;
    double value;

    LineSearch(Objective f, double[] x, double[] d, double finit, double ginit, double[] xt, double[] gt,
        int maxLineSearch, int evaluationsLeft) {
      this.f = f;
      this.x = x;
      this.d = d;
      this.finit = finit;
      this.ginit = ginit;
      this.xt = xt;
      this.gt = gt;
      this.maxEvaluations = Math.max(1, Math.min(maxLineSearch, evaluationsLeft));
    }

    /** Returns true with {@code xt}, {@code gt}, {@code value} at the accepted step. */
    boolean run(double stp) {
      double stpmin = 0;
      double stpmax = STEP_MAX;
      boolean brackt = false;
      int stage = 1;
      double gtest = LS_FTOL * ginit;
      double width = stpmax - stpmin;
      double width1 = 2 * width;
      double[] st = {0, finit, ginit, 0, finit, ginit}; // stx, fx, gx, sty, fy, gy
      double stmin = 0;
      double stmax = stp + 4.0 * stp;
      while (true) {
        for (int i = 0; i < x.length; i++) {
          xt[i] = x[i] + stp * d[i];
        }
        double fv = f.evaluate(xt, gt);
        evaluations++;
        double gv = dot(gt, d);
        value = fv;
        if (!Double.isFinite(fv) || !Double.isFinite(gv)) {
          // outside f's domain numerically (an overflow): step back toward the best point
          if (evaluations >= maxEvaluations) {
            return false;
          }
          stp = st[0] + 0.5 * (stp - st[0]);
          continue;
        }
        double ftest = finit + stp * gtest;
        if (stage == 1 && fv <= ftest && gv >= 0) {
          stage = 2;
        }
        boolean warn = (brackt && (stp <= stmin || stp >= stmax))
            || (brackt && stmax - stmin <= LS_XTOL * stmax)
            || (stp == stpmax && fv <= ftest && gv <= gtest)
            || (stp == stpmin && (fv > ftest || gv >= gtest));
        if (fv <= ftest && Math.abs(gv) <= LS_GTOL * -ginit) {
          return true; // the strong Wolfe conditions hold
        }
        if (warn) {
          return fv <= finit; // as L-BFGS-B: a warning ends the search at this step
        }
        if (evaluations >= maxEvaluations) {
          return false;
        }
        if (stage == 1 && fv <= st[1] && fv > ftest) {
          double[] mod = {st[0], st[1] - st[0] * gtest, st[2] - gtest, st[3], st[4] - st[3] * gtest, st[5] - gtest};
          stp = dcstep(mod, stp, fv - stp * gtest, gv - gtest, brackt, stmin, stmax);
          st[0] = mod[0];
          st[1] = mod[1] + mod[0] * gtest;
          st[2] = mod[2] + gtest;
          st[3] = mod[3];
          st[4] = mod[4] + mod[3] * gtest;
          st[5] = mod[5] + gtest;
        } else {
          stp = dcstep(st, stp, fv, gv, brackt, stmin, stmax);
        }
        brackt = brackt || bracketed;
        if (brackt) {
          if (Math.abs(st[3] - st[0]) >= 0.66 * width1) {
            stp = st[0] + 0.5 * (st[3] - st[0]);
          }
          width1 = width;
          width = Math.abs(st[3] - st[0]);
          stmin = Math.min(st[0], st[3]);
          stmax = Math.max(st[0], st[3]);
        } else {
          stmin = stp + 1.1 * (stp - st[0]);
          stmax = stp + 4.0 * (stp - st[0]);
        }
        stp = Math.min(Math.max(stp, stpmin), stpmax);
        if ((brackt && (stp <= stmin || stp >= stmax)) || (brackt && stmax - stmin <= LS_XTOL * stmax)) {
          stp = st[0];
        }
      }
    }

    private boolean bracketed;

    /**
     * MINPACK-2 dcstep: a safeguarded step from the interval {@code st = (stx, fx, dx, sty, fy, dy)} and
     * the trial {@code (stp, fp, dp)}; updates the interval and returns the next trial step.
     */
    private double dcstep(double[] st, double stp, double fp, double dp, boolean brackt, double stpmin,
        double stpmax) {
      double stx = st[0];
      double fx = st[1];
      double dx = st[2];
      double sty = st[3];
      double fy = st[4];
      double dy = st[5];
      double sgnd = dp * Math.signum(dx);
      double stpf;
      bracketed = brackt;
      if (fp > fx) {
        double theta = 3 * (fx - fp) / (stp - stx) + dx + dp;
        double s = Math.max(Math.abs(theta), Math.max(Math.abs(dx), Math.abs(dp)));
        double gamma = s * Math.sqrt(Math.max(0, (theta / s) * (theta / s) - (dx / s) * (dp / s)));
        if (stp < stx) {
          gamma = -gamma;
        }
        double p = (gamma - dx) + theta;
        double q = ((gamma - dx) + gamma) + dp;
        double r = p / q;
        double stpc = stx + r * (stp - stx);
        double stpq = stx + ((dx / ((fx - fp) / (stp - stx) + dx)) / 2) * (stp - stx);
        stpf = Math.abs(stpc - stx) < Math.abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2;
        bracketed = true;
      } else if (sgnd < 0) {
        double theta = 3 * (fx - fp) / (stp - stx) + dx + dp;
        double s = Math.max(Math.abs(theta), Math.max(Math.abs(dx), Math.abs(dp)));
        double gamma = s * Math.sqrt(Math.max(0, (theta / s) * (theta / s) - (dx / s) * (dp / s)));
        if (stp > stx) {
          gamma = -gamma;
        }
        double p = (gamma - dp) + theta;
        double q = ((gamma - dp) + gamma) + dx;
        double r = p / q;
        double stpc = stp + r * (stx - stp);
        double stpq = stp + (dp / (dp - dx)) * (stx - stp);
        stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
        bracketed = true;
      } else if (Math.abs(dp) < Math.abs(dx)) {
        double theta = 3 * (fx - fp) / (stp - stx) + dx + dp;
        double s = Math.max(Math.abs(theta), Math.max(Math.abs(dx), Math.abs(dp)));
        double gamma = s * Math.sqrt(Math.max(0, (theta / s) * (theta / s) - (dx / s) * (dp / s)));
        if (stp > stx) {
          gamma = -gamma;
        }
        double p = (gamma - dp) + theta;
        double q = (gamma + (dx - dp)) + gamma;
        double r = p / q;
        double stpc;
        if (r < 0 && gamma != 0) {
          stpc = stp + r * (stx - stp);
        } else if (stp > stx) {
          stpc = stpmax;
        } else {
          stpc = stpmin;
        }
        double stpq = stp + (dp / (dp - dx)) * (stx - stp);
        if (brackt) {
          stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
          stpf = stp > stx ? Math.min(stp + 0.66 * (sty - stp), stpf) : Math.max(stp + 0.66 * (sty - stp), stpf);
        } else {
          stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
          stpf = Math.max(stpmin, Math.min(stpmax, stpf));
        }
      } else {
        if (brackt) {
          double theta = 3 * (fp - fy) / (sty - stp) + dy + dp;
          double s = Math.max(Math.abs(theta), Math.max(Math.abs(dy), Math.abs(dp)));
          double gamma = s * Math.sqrt(Math.max(0, (theta / s) * (theta / s) - (dy / s) * (dp / s)));
          if (stp > sty) {
            gamma = -gamma;
          }
          double p = (gamma - dp) + theta;
          double q = ((gamma - dp) + gamma) + dy;
          double r = p / q;
          stpf = stp + r * (sty - stp);
        } else {
          stpf = stp > stx ? stpmax : stpmin;
        }
      }
      if (fp > fx) {
        sty = stp;
        fy = fp;
        dy = dp;
      } else {
        if (sgnd < 0) {
          sty = stx;
          fy = fx;
          dy = dx;
        }
        stx = stp;
        fx = fp;
        dx = dp;
      }
      st[0] = stx;
      st[1] = fx;
      st[2] = dx;
      st[3] = sty;
      st[4] = fy;
      st[5] = dy;
      return stpf;
    }
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static void axpy(double a, double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      y[i] += a * x[i];
    }
  }

  static double maxAbs(double[] a) {
    double m = 0;
    for (double v : a) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }
}
