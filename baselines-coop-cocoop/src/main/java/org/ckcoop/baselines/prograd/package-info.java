/**
 * ProGrad (Zhu et al., ICCV 2023; official code {@code BeierZhu/Prompt-align}): CoOp's context trained
 * with prompt-aligned gradients: the cross-entropy gradient is projected when it conflicts with the
 * gradient of a distillation term toward zero-shot CLIP.
 */
package org.ckcoop.baselines.prograd;
