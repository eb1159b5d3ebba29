/**
 * CoOp (Zhou et al., IJCV 2022) as its official code behaves: a learned context of {@code n_ctx}
 * vectors, shared or class-specific, initialised at random or from words, placed before, around or
 * after the class name; features read at the EOT of the tokenised placeholder prompt. {@link
 * org.ckcoop.baselines.coop.ContextInit} is shared with CoCoOp and KgCoOp.
 */
package org.ckcoop.baselines.coop;
