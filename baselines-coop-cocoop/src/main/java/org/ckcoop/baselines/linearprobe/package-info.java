/**
 * Linear-probe CLIP ({@code linear_probe}), the few-shot baseline of the CoOp paper, as CoOp's
 * {@code lpclip/} code runs it: scikit-learn's L-BFGS logistic regression (L2, C) on the frozen,
 * unnormalised image features of CLIP's test preprocessing, C chosen on the validation split by a
 * coarse grid and a bisection in log C. {@link org.ckcoop.baselines.linearprobe.Lbfgs} and
 * {@link org.ckcoop.baselines.linearprobe.LogisticRegression} are the solver, in Java and double precision;
 * {@link org.ckcoop.baselines.linearprobe.CSearch} is lpclip's search; the learner fits through the
 * trainer's {@link org.ckcoop.core.train.DirectFit} hook.
 */
package org.ckcoop.baselines.linearprobe;
