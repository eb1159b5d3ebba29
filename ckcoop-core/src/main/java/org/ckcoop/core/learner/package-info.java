/**
 * The contract every prompt learner implements ({@link org.ckcoop.core.learner.PromptLearner}), the
 * factory a plugin registers for it, what a learner is built from, and learner state files.
 */
package org.ckcoop.core.learner;
