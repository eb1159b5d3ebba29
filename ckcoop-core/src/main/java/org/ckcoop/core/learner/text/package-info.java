/**
 * Learners that act on the text side only: {@link org.ckcoop.core.learner.text.TextPromptLearner}
 * turns class text features into the learner contract (CLIP's classifier, cross-entropy, the learner's
 * own term), so CoOp-style learners write only their text features.
 */
package org.ckcoop.core.learner.text;
