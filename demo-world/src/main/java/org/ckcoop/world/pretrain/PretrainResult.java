package org.ckcoop.world.pretrain;

import java.nio.file.Path;

/**
 * What a finished pretraining run wrote and measured.
 *
 * @param output the checkpoint folder
 * @param steps steps done
 * @param finalLoss mean loss over the last log interval
 * @param finalAccuracy mean in-batch image-to-text accuracy over the last log interval, in percent
 * @param wallSeconds wall time of all sessions of the run (resumed ones included)
 * @param parameters number of weights
 * @param resumedAt the step the last session started from (0 for a run in one go)
 * @param contentHash the written checkpoint's content hash (its F16 values)
 */
public record PretrainResult(
    Path output, int steps, double finalLoss, double finalAccuracy, double wallSeconds, long parameters,
    int resumedAt, String contentHash) {}
