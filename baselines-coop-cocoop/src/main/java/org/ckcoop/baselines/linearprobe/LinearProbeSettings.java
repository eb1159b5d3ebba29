package org.ckcoop.baselines.linearprobe;

import java.util.List;
import org.ckcoop.core.config.Setting;

/**
 * The linear probe's settings ({@code learner.linear_probe.*}). The defaults are CoOp's
 * {@code lpclip/linear_probe.py} as {@code lpclip/linear_probe.sh} runs it: C chosen on the validation
 * split by the coarse grid and 8 refinement steps, each fit scikit-learn's
 * {@code LogisticRegression(solver="lbfgs", max_iter=1000, penalty="l2", C=c)} (tol 1e-4).
 *
 * @param c a fixed inverse regularisation strength; 0 (the default) chooses C on the validation split
 * @param cGrid the coarse grid, in search order ({@code search_list})
 * @param searchSteps refinement steps after the grid ({@code --num_step})
 * @param maxIter L-BFGS iterations per fit ({@code max_iter})
 * @param tol the L-BFGS tolerance on the largest gradient entry of the scaled objective ({@code tol})
 * @param lossScale which scikit-learn's objective scale {@code tol} applies to: {@code sum} (the default:
 *     scikit-learn before 1.4, which lpclip ran in September 2021) or {@code mean} (scikit-learn >= 1.4);
 *     the optimum is the same, the stopping point is not
 */
public record LinearProbeSettings(
    @Setting(description = "fixed inverse L2 strength C; 0: choose C on the validation split (lpclip's search)",
        defaultValue = "0", min = 0) double c,
    @Setting(description = "coarse grid of C values, in search order (lpclip's search_list)",
        defaultValue = "1e6, 1e4, 1e2, 1, 1e-2, 1e-4, 1e-6", min = 0, minExclusive = true) List<Double> cGrid,
    @Setting(description = "refinement steps after the grid (lpclip's --num_step)", defaultValue = "8", min = 0,
        max = 60) int searchSteps,
    @Setting(description = "L-BFGS iterations per fit (sklearn's max_iter)", defaultValue = "1000", min = 1)
        int maxIter,
    @Setting(description = "L-BFGS tolerance on the largest gradient entry (sklearn's tol)", defaultValue = "1e-4",
        min = 0, minExclusive = true) double tol,
    @Setting(description = "objective scale tol applies to: sum (sklearn < 1.4, lpclip's) or mean (sklearn >= 1.4)",
        defaultValue = "sum") LogisticRegression.Scale lossScale) {

  /** Copies the list. */
  public LinearProbeSettings {
    cGrid = List.copyOf(cGrid);
  }

  /** lpclip's settings: the search with its grid and 8 steps, sklearn's solver defaults. */
  public static LinearProbeSettings lpclip() {
    return new LinearProbeSettings(0, List.of(1e6, 1e4, 1e2, 1.0, 1e-2, 1e-4, 1e-6), 8, 1000, 1e-4,
        LogisticRegression.Scale.SUM);
  }
}
