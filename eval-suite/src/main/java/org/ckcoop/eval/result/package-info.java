/**
 * The result file of one run of a study ({@code run.json}): what was trained, on which split, how it
 * scored on each test set, and everything needed to repeat it. The study runner writes these files;
 * the report reads nothing else.
 */
package org.ckcoop.eval.result;
