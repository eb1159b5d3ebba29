/**
 * What the deep-prompt learners (MaPLe, IVLP) share, as their official code
 * ({@code muzairkhattak/multimodal-prompt-learning}) builds it: the layer-0 text context and its
 * placeholder, the linear coupling layers, and views of learner arrays on a step's manager.
 */
package org.ckcoop.baselines.deep;
