package org.ckcoop.core.learner;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.ckcoop.common.InputException;

/**
 * Whether a learner's state and its optimiser's state are sane enough to keep: every value finite,
 * and the learnable state's norm within {@code train.max_state_growth} times its initial norm (at
 * least 1). The trainer asks before writing each checkpoint, so that a poisoned state (NaN, or a
 * finite but absurd one such as a context of norm 7e22) is never kept as the last good one.
 */
public final class StateCheck {
  private StateCheck() {}

  /**
   * Returns what is wrong with the state, as a phrase for a message, or null when nothing is.
   *
   * @param learnerState the learner's state tensors' values by name
   * @param learnable the names among them that are trained (their norm is checked)
   * @param optimizerState the optimiser's state by name
   * @param initialNorm the learnable state's norm when the run started
   * @param maxGrowth the allowed growth factor
   */
  public static String problem(Map<String, float[]> learnerState, Set<String> learnable,
      Map<String, float[]> optimizerState, double initialNorm, double maxGrowth) {
    for (Map.Entry<String, float[]> e : learnerState.entrySet()) {
      String bad = nonFinite(e.getValue());
      if (bad != null) {
        return "the learner's '" + e.getKey() + "' " + bad;
      }
    }
    for (Map.Entry<String, float[]> e : optimizerState.entrySet()) {
      String bad = nonFinite(e.getValue());
      if (bad != null) {
        return "the optimiser's '" + e.getKey() + "' " + bad;
      }
    }
    double sum = 0;
    for (String name : learnable) {
      float[] v = learnerState.get(name);
      for (float x : v) {
        sum += (double) x * x;
      }
    }
    double norm = Math.sqrt(sum);
    double limit = maxGrowth * Math.max(1.0, initialNorm);
    if (!(norm <= limit)) {
      return String.format(Locale.ROOT, "the learnable state's norm is %.4g, more than train.max_state_growth = %s"
          + " times its initial norm %.4g (at least 1)", norm, trim(maxGrowth), initialNorm);
    }
    return null;
  }

  /** Returns the L2 norm over all values of {@code state}. */
  public static double norm(Map<String, float[]> state) {
    double sum = 0;
    for (float[] v : state.values()) {
      for (float x : v) {
        sum += (double) x * x;
      }
    }
    return Math.sqrt(sum);
  }

  /**
   * Refuses a tensor read from {@code file} that holds a NaN or an infinity.
   *
   * @throws InputException naming the file, the tensor, the first bad index and how many values are bad
   */
  public static void requireFinite(Path file, String tensor, float[] values) {
    String bad = nonFinite(values);
    if (bad != null) {
      throw new InputException(file, "tensor '" + tensor + "' " + bad + "; a poisoned state is never loaded"
          + " (retrain, or resume from an earlier checkpoint)");
    }
  }

  /** Describes the non-finite values of {@code values}, or returns null when all are finite. */
  static String nonFinite(float[] values) {
    int count = 0;
    int first = -1;
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        count++;
        if (first < 0) {
          first = i;
        }
      }
    }
    return count == 0 ? null : String.format(Locale.ROOT, "holds %d non-finite value%s (the first, %s, at index %d of %d)",
        count, count == 1 ? "" : "s", values[first], first, values.length);
  }

  private static String trim(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
