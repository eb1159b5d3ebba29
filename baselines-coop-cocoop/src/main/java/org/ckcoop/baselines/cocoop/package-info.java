/**
 * CoCoOp (Zhou et al., CVPR 2022) as its official code behaves: CoOp's context shifted per image by a
 * meta-net applied to the L2-normalised image feature, with prompts for every class built for each
 * image.
 */
package org.ckcoop.baselines.cocoop;
