package org.ckcoop.kronecker;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * Initial values of the Kronecker factors: A_1 = 0, so K = 0 at the start (the dictionary starts
 * as D_com), and A_2 ... A_P with independent N(0, std^2) entries drawn in Java from
 * {@code java.util.Random(seed)}, factor by factor in row-major order.
 *
 * <p>Scale: with the default std = 1, every entry of {@code A_2 (x) ... (x) A_P} is a product of P-1
 * independent standard normals, hence has mean 0 and variance exactly 1; K = A_1 (x) (that product)
 * therefore has entries on the scale of A_1's entries whatever P and the factor shapes, and the
 * gradient reaching A_1 is a sum of the upstream gradient weighted by unit-variance values. Because
 * the other factors are non-zero, A_1 receives gradient at once; they receive none while A_1 = 0
 * (every partial derivative of K with respect to them contains A_1), and start moving once A_1 has.
 *
 * @param seed seed of the normal draws
 * @param std standard deviation of the entries of A_2 ... A_P, finite and > 0
 */
public record KroneckerInit(long seed, double std) {

  /** Default standard deviation of the non-first factors. */
  public static final double DEFAULT_STD = 1.0;

  /** Validates the standard deviation. */
  public KroneckerInit {
    if (!(std > 0) || Double.isInfinite(std)) {
      throw new IllegalArgumentException(
          "the Kronecker init std must be a finite number > 0, range (0, +inf); got " + std);
    }
  }

  /** Returns the default init (std 1) with this seed. */
  public static KroneckerInit withSeed(long seed) {
    return new KroneckerInit(seed, DEFAULT_STD);
  }

  /** Returns the initial values, one row-major array [k_p * d_p] per factor. */
  public float[][] values(KroneckerShape shape) {
    Random random = new Random(seed);
    float[][] out = new float[shape.factorCount()][];
    for (int p = 0; p < shape.factorCount(); p++) {
      float[] v = new float[shape.factor(p).parameterCount()];
      if (p > 0) {
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (std * random.nextGaussian());
        }
      }
      out[p] = v;
    }
    return out;
  }

  /**
   * Returns the initial factors as arrays [k_p, d_p] on {@code manager}, in engine-owned memory
   * (copies, so no array depends on a Java buffer kept alive only by a temporary handle). They do
   * not require gradients; the caller decides.
   */
  public NDList create(NDManager manager, KroneckerShape shape) {
    float[][] values = values(shape);
    NDList list = new NDList(values.length);
    for (int p = 0; p < values.length; p++) {
      FactorShape f = shape.factor(p);
      try (NDArray javaBacked = manager.create(values[p], new Shape(f.rows(), f.cols()))) {
        list.add(javaBacked.duplicate());
      }
    }
    return list;
  }
}
