package org.ckcoop.kronecker;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Objects;

/**
 * Kronecker products of DJL arrays, differentiable, in standard order:
 * {@code (A (x) B)[i*p + r, j*q + s] = A[i,j] * B[r,s]} for A [m, n], B [p, q]. DJL has no kron op:
 * A is reshaped to (m, 1, n, 1), B to (1, p, 1, q), they are multiplied with broadcasting and the
 * result reshaped to (m*p, n*q). Leading batch dimensions are allowed and broadcast:
 * [..., m, n] (x) [..., p, q] = [..., m*p, n*q], each batch entry the product of its matrices.
 */
public final class Kronecker {
  private Kronecker() {}

  /**
   * Returns {@code A_1 (x) A_2 (x) ... (x) A_P} (folded from the left) with every intermediate and
   * the result attached to {@code target}, never to the factors' (long-lived) managers. Use a
   * per-step manager as {@code target} when the factors are trainable parameters.
   *
   * @param factors P >= 1 arrays [..., k_p, d_p]
   * @return K [..., prod k_p, prod d_p]; for P = 1 a view of the single factor
   */
  public static NDArray product(NDManager target, List<NDArray> factors) {
    Objects.requireNonNull(target, "target");
    if (factors == null || factors.isEmpty()) {
      throw new IllegalArgumentException("a Kronecker product needs at least one factor (P >= 1)");
    }
    NDArray first = factors.get(0);
    requireMatrixLike(first, 0);
    NDArray acc = first.get(target, new NDIndex("...")); // always a new handle, even for P = 1
    for (int p = 1; p < factors.size(); p++) {
      NDArray b = factors.get(p);
      requireMatrixLike(b, p);
      acc = pair(acc, b, target);
    }
    return acc;
  }

  /**
   * Returns {@code a (x) b}. The result and intermediates belong to {@code a}'s manager ({@code b} is
   * only viewed): call it with the per-step array first.
   */
  public static NDArray pair(NDArray a, NDArray b) {
    return pair(a, b, a.getManager());
  }

  private static NDArray pair(NDArray a, NDArray b, NDManager target) {
    requireMatrixLike(a, 0);
    requireMatrixLike(b, 1);
    Shape sa = a.getShape();
    Shape sb = b.getShape();
    int ra = sa.dimension();
    int rb = sb.dimension();
    long m = sa.get(ra - 2);
    long n = sa.get(ra - 1);
    long p = sb.get(rb - 2);
    long q = sb.get(rb - 1);
    NDArray ar = on(target, a).reshape(sa.slice(0, ra - 2).addAll(new Shape(m, 1, n, 1)));
    NDArray br = on(target, b).reshape(sb.slice(0, rb - 2).addAll(new Shape(1, p, 1, q)));
    NDArray outer = ar.mul(br); // [..., m, p, n, q], owned by target through ar
    Shape so = outer.getShape();
    int ro = so.dimension();
    return outer.reshape(so.slice(0, ro - 4).addAll(new Shape(m * p, n * q)));
  }

  /**
   * Returns {@code array} if it belongs to {@code target}, else a view of it owned by
   * {@code target} (created directly there, so nothing touches the array's own manager, which may
   * be capped). Views share storage and pass gradients through.
   */
  private static NDArray on(NDManager target, NDArray array) {
    return array.getManager() == target ? array : array.get(target, new NDIndex("..."));
  }

  private static void requireMatrixLike(NDArray array, int index) {
    if (array.getShape().dimension() < 2) {
      throw new IllegalArgumentException(
          "Kronecker factor " + index + " must be a matrix [rows, cols] (optionally with leading batch"
              + " dimensions); got shape " + array.getShape());
    }
  }
}
