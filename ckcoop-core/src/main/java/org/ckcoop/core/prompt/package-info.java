/**
 * Assembling soft prompts the way CoOp does: the whole placeholder prompt
 * {@code "X X ... X <class name>."} is tokenised as one string (so trailing punctuation of a name
 * merges with the period, as in the official code), giving fixed embeddings (SOT, class-name tokens,
 * ".", EOT, padding) and the EOT positions; learned context vectors are placed at the placeholder
 * positions, or split around the class tokens by CoOp's count rule (see {@link
 * org.ckcoop.core.prompt.ContextPrompts}).
 */
package org.ckcoop.core.prompt;
