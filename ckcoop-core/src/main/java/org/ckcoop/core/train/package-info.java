/**
 * The trainer every learner shares: CoOp's optimisation recipe by default, seeded shuffling, atomic
 * per-epoch checkpoints that resume bit-identically, divergence detection, per-run logs and metrics,
 * and the provenance a result carries.
 */
package org.ckcoop.core.train;
