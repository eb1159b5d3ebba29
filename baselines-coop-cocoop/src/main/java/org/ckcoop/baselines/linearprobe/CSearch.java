package org.ckcoop.baselines.linearprobe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleFunction;
import java.util.function.ToIntFunction;

/**
 * CoOp's search over the inverse regularisation strength C on the validation split, exactly as
 * {@code lpclip/linear_probe.py} (KaiyangZhou/CoOp, lines 53-118) runs it:
 *
 * <ol>
 *   <li>fit with every C of the coarse grid ({@code [1e6, 1e4, 1e2, 1, 1e-2, 1e-4, 1e-6]}, in that
 *       order) and take the first C of highest validation accuracy ({@code np.argmax}), {@code c_peak};
 *   <li>start from {@code c_left = 0.1 * c_peak}, {@code c_right = 10 * c_peak}; then, {@code num_step}
 *       times (8 in {@code linear_probe.sh}): fit both ends; if the left's accuracy is strictly lower,
 *       the right end is chosen and the range becomes {@code [10^((log c_left + log c_right)/2), c_right]},
 *       otherwise (ties included) the left end is chosen and the range becomes
 *       {@code [c_left, 10^((log c_left + log c_right)/2)]} (logs base 10);
 *   <li>the result is the end chosen in the last step, and its fit (not the best C seen: lpclip reports
 *       the last step's classifier, even when an earlier candidate scored higher on validation).
 * </ol>
 *
 * <p>{@code c_peak} itself is never refitted unless it comes back as an end. Fits are deterministic, so
 * a C met again (the kept end of each step) reuses its fit; the trace lists every evaluation in
 * lpclip's order, repeats included. With 0 steps (not possible in lpclip, whose {@code c_final} would
 * then be undefined) the result is {@code c_peak}.
 */
public final class CSearch {
  private CSearch() {}

  /**
   * One evaluation of the search.
   *
   * @param c the candidate C
   * @param correct the validation examples it classified correctly
   * @param total the validation examples
   * @param phase {@code grid} or {@code step N} (1-based) {@code left}/{@code right}
   */
  public record Candidate(double c, int correct, int total, String phase) {
    /** Returns the validation accuracy, a fraction. */
    public double accuracy() {
      return total == 0 ? Double.NaN : (double) correct / total;
    }
  }

  /**
   * The search's outcome.
   *
   * @param c the chosen C
   * @param fit its fit
   * @param peak the coarse grid's best C
   * @param trace every evaluation in order
   * @param fits the number of distinct fits computed
   */
  public record Result<F>(double c, F fit, double peak, List<Candidate> trace, int fits) {
    /** Returns the chosen C's validation accuracy, a fraction. */
    public double accuracy() {
      for (int i = trace.size() - 1; i >= 0; i--) {
        if (trace.get(i).c() == c) {
          return trace.get(i).accuracy();
        }
      }
      throw new IllegalStateException("the chosen C was never evaluated");
    }
  }

  /**
   * Runs the search.
   *
   * @param grid the coarse grid, in lpclip's order
   * @param steps the refinement steps ({@code --num_step})
   * @param fit fits the model for a C
   * @param correct counts a fit's correct validation predictions
   * @param total the number of validation examples
   */
  public static <F> Result<F> run(List<Double> grid, int steps, DoubleFunction<F> fit, ToIntFunction<F> correct,
      int total) {
    if (grid.isEmpty()) {
      throw new IllegalArgumentException("the coarse grid of C values is empty");
    }
    Map<Double, F> fits = new HashMap<>();
    Map<Double, Integer> scores = new HashMap<>();
    List<Candidate> trace = new ArrayList<>();
    class Evaluator {
      int score(double c, String phase) {
        F f = fits.computeIfAbsent(c, fit::apply);
        int s = scores.computeIfAbsent(c, k -> correct.applyAsInt(f));
        trace.add(new Candidate(c, s, total, phase));
        return s;
      }
    }
    Evaluator evaluator = new Evaluator();
    int best = -1;
    double peak = Double.NaN;
    for (double c : grid) {
      int s = evaluator.score(c, "grid");
      if (s > best) { // the first of the highest, as np.argmax
        best = s;
        peak = c;
      }
    }
    double left = 1e-1 * peak;
    double right = 1e1 * peak;
    double chosen = peak;
    for (int step = 1; step <= steps; step++) {
      int accLeft = evaluator.score(left, "step " + step + " left");
      int accRight = evaluator.score(right, "step " + step + " right");
      double logLeft;
      double logRight;
      if (accLeft < accRight) {
        chosen = right;
        logLeft = 0.5 * (Math.log10(right) + Math.log10(left));
        logRight = Math.log10(right);
      } else {
        chosen = left;
        logRight = 0.5 * (Math.log10(right) + Math.log10(left));
        logLeft = Math.log10(left);
      }
      left = Math.pow(10, logLeft);
      right = Math.pow(10, logRight);
    }
    return new Result<>(chosen, fits.get(chosen), peak, List.copyOf(trace), fits.size());
  }
}
