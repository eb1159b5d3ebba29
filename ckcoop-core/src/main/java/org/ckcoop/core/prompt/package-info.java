/**
 * Assembling soft prompts the way CoOp does: the tokenised placeholder prompt
 * {@code "X X ... X <class name>."} gives fixed embeddings (SOT, class-name tokens, ".", EOT,
 * padding) and the EOT positions; learned context vectors are placed at the placeholder positions.
 */
package org.ckcoop.core.prompt;
