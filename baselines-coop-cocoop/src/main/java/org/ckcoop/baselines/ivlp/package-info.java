/**
 * IVLP, independent vision-language prompting (in the MaPLe repository,
 * {@code trainers/independentVL.py}): deep prompts in both towers, learned independently (no coupling).
 */
package org.ckcoop.baselines.ivlp;
