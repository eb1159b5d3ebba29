package org.ckcoop.core.learner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;

/**
 * A learner's own combination of its loss terms' gradients (ProGrad's projection, for example):
 * the trainer differentiates each term separately and asks for the gradient to apply.
 */
@FunctionalInterface
public interface GradientShaping {
  /**
   * Returns the gradient to apply to each trainable parameter.
   *
   * @param manager the step's manager (results belong to it)
   * @param byTerm for each loss term (in {@link StepOutput#losses()} order), each parameter's gradient
   * @return each parameter's gradient, by parameter name
   */
  Map<String, NDArray> combine(NDManager manager, Map<String, Map<String, NDArray>> byTerm);
}
