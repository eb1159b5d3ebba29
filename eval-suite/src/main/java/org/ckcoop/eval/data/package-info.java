/**
 * The field's datasets and the splits every learner shares.
 */
package org.ckcoop.eval.data;
