package org.ckcoop.eval.data;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The data of a run: a dataset with its training and val parts sampled to {@code shots} per class
 * for a seed (the test part whole), and the split's identity, which every result records.
 *
 * <p>The identity is the SHA-256 of the split file {@link SplitStore} wrote (that file holds the
 * sampled entries and the hash of the source split, so it pins the test part too). When the items
 * come from the user's CoOp few-shot cache, it is the SHA-256 of the split file that would hold those
 * items: equal to the sampler's identity when the cache holds what the sampler draws, different
 * otherwise. With {@code shots = 0} nothing is sampled, no file is written, and the identity is the
 * dataset's {@link DatasetSplits#sourceHash()}. {@link #source()} says where the items came from.
 *
 * @param splits the sampled dataset, with all its classes (apply {@link Subsample} for base/new)
 * @param shots shots per class, 0 for all images
 * @param seed the sampling seed
 * @param samplerVersion {@link FewShotSampler#version()}, or {@code "all"} when nothing was sampled
 * @param sourceHash the {@link DatasetSplits#sourceHash()} of the dataset sampled from
 * @param identity the split's SHA-256, 64 hex digits
 * @param file the split file, if one was written or reused, or the CoOp cache pickle the items came from
 * @param source where the items came from (the sampler or the CoOp cache, with the file's SHA-256)
 */
public record FewShotSplit(DatasetSplits splits, int shots, long seed, String samplerVersion, String sourceHash,
    String identity, Optional<Path> file, FewShotSource source) {

  /** Checks that nothing is missing. */
  public FewShotSplit {
    Objects.requireNonNull(splits, "splits");
    Objects.requireNonNull(samplerVersion, "samplerVersion");
    Objects.requireNonNull(sourceHash, "sourceHash");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(source, "source");
  }

  /** Returns the split restricted to base or new classes (few-shot sampling came first, as in CoOp). */
  public DatasetSplits subsample(Subsample subsample) {
    return subsample.apply(splits);
  }
}
