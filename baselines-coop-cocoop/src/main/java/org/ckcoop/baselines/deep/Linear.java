package org.ckcoop.baselines.deep;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.ckcoop.core.learner.TrainableArrays;

/**
 * A trainable {@code nn.Linear(in, out)}: {@code y = x W^T + b}, with PyTorch's default
 * initialisation ({@code kaiming_uniform_(a = sqrt(5))}: W and b uniform in {@code +-1/sqrt(in)}),
 * drawn in Java from the learner's seed.
 *
 * @param weight [out, in]
 * @param bias [out]
 */
public record Linear(NDArray weight, NDArray bias) {

  /** Returns the initial values {W row-major, b} of a Linear(in, out). */
  public static float[][] initial(SplittableRandom random, int in, int out) {
    double bound = 1 / Math.sqrt(in);
    float[] w = new float[out * in];
    float[] b = new float[out];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
    }
    return new float[][] {w, b};
  }

  /** Creates the trainable arrays on {@code manager} from {@link #initial} values. */
  public static Linear create(NDManager manager, float[][] values, int in, int out) {
    return new Linear(TrainableArrays.create(manager, values[0], new Shape(out, in)),
        TrainableArrays.create(manager, values[1], new Shape(out)));
  }

  /** Returns {@code x W^T + b} on {@code step} (x [n, in] on step). */
  public NDArray apply(NDManager step, NDArray x) {
    return x.matMul(view(step, weight).transpose()).add(view(step, bias));
  }

  /** Returns a differentiable view of a learner array on {@code step}, so results belong to the step. */
  public static NDArray view(NDManager step, NDArray array) {
    return array.get(step, new NDIndex("..."));
  }

  /** Returns {@link #view views} of learner arrays on {@code step}, in order. */
  public static java.util.List<NDArray> views(NDManager step, java.util.List<NDArray> arrays) {
    return arrays.stream().map(a -> view(step, a)).toList();
  }
}
