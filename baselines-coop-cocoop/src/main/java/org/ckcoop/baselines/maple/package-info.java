/**
 * MaPLe (Khattak et al., CVPR 2023; official code {@code muzairkhattak/multimodal-prompt-learning},
 * {@code trainers/maple.py}): deep text prompts in the first J layers of the text tower, and vision
 * prompts made from them by one linear coupling function per layer.
 */
package org.ckcoop.baselines.maple;
