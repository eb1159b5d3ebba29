/**
 * Classifying images with a prompt learner: logits {@code exp(logit_scale) * cos(image, text)},
 * the cross-entropy loss, and accuracy over cached image features.
 */
package org.ckcoop.core.classify;
