/**
 * From a layered config to a trained, evaluated learner: the core config sections, the schema of
 * every known key (core sections plus every discovered learner's), and {@link
 * org.ckcoop.core.run.RunPlan}, which binds them and drives the trainer.
 */
package org.ckcoop.core.run;
