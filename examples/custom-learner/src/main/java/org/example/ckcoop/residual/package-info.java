/**
 * An example prompt learner built outside the ckcoop repository: "residual CoOp", a context that starts
 * at the embeddings of the init words and learns a residual on them.
 */
package org.example.ckcoop.residual;
