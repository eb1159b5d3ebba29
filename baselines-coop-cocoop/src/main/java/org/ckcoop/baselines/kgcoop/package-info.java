/**
 * KgCoOp (Yao et al., CVPR 2023) as its official code behaves: CoOp with four context tokens from
 * "a photo of a" and the class name at the end, plus a loss term pulling each class's learned text
 * feature toward the frozen hand-crafted CLIP feature of the dataset's template. It needs nothing from
 * core beyond the contract's {@code extraLoss} hook.
 */
package org.ckcoop.baselines.kgcoop;
