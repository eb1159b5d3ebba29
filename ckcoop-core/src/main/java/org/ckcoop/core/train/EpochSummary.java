package org.ckcoop.core.train;

/**
 * What one training epoch did.
 *
 * @param epoch the epoch index (0-based)
 * @param learningRate the learning rate used throughout the epoch
 * @param loss the mean training loss over the epoch's steps
 * @param accuracy the training accuracy over the epoch's examples, in percent
 * @param steps the number of optimisation steps
 * @param seconds wall-clock time of the epoch
 */
public record EpochSummary(int epoch, double learningRate, double loss, double accuracy, int steps, double seconds) {}
