package org.ckcoop.core.learner;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;
import org.ckcoop.common.InputException;
import org.ckcoop.backbone.checkpoint.FloatTensor;

/**
 * The check every learner's {@code loadState} makes before it writes anything: the given tensors have
 * exactly the documented names and each has the shape the learner holds.
 */
public final class StateTensors {
  private StateTensors() {}

  /**
   * Checks {@code given} against {@code expected} (the learner's current state tensors).
   *
   * @param learner the learner's name, for messages
   * @param hint appended to a shape mismatch message (may be empty), e.g. why a shape depends on the
   *     class count
   * @throws InputException naming the tensor when a name is missing or unknown or a shape differs
   */
  public static void requireMatching(
      String learner, Map<String, FloatTensor> given, Map<String, NDArray> expected, String hint) {
    String where = learner + " learner state";
    for (String name : new TreeSet<>(given.keySet())) {
      if (!expected.containsKey(name)) {
        throw new InputException(where, "unknown tensor '" + name + "' (" + learner + " has "
            + (expected.isEmpty() ? "no state tensors" : "exactly " + new TreeSet<>(expected.keySet())) + ")");
      }
    }
    for (Map.Entry<String, NDArray> e : expected.entrySet()) {
      FloatTensor tensor = given.get(e.getKey());
      if (tensor == null) {
        throw new InputException(where, "tensor '" + e.getKey() + "' is missing (" + learner + " needs "
            + new TreeSet<>(expected.keySet()) + ")");
      }
      long[] shape = e.getValue().getShape().getShape();
      if (!Arrays.equals(tensor.shape(), shape)) {
        throw new InputException(where, "tensor '" + e.getKey() + "' has shape " + Arrays.toString(tensor.shape())
            + ", expected " + Arrays.toString(shape) + (hint.isEmpty() ? "" : " (" + hint + ")"));
      }
    }
  }
}
