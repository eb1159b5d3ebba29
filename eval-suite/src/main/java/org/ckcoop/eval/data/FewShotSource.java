package org.ckcoop.eval.data;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Where the items of a few-shot split came from, so a result says which images it trained on:
 * every image ({@code shots = 0}), ckcoop's {@link FewShotSampler} (with the split file
 * {@link SplitStore} wrote or reused), or the user's CoOp few-shot cache
 * ({@code split_fewshot/shot_<K>-seed_<S>.pkl}, {@code DasslFewShotCache}).
 *
 * @param kind which of the three
 * @param file the split file or the CoOp cache pickle; empty for {@link Kind#ALL_IMAGES}
 * @param sha256 the SHA-256 of {@code file}, or empty for {@link Kind#ALL_IMAGES}
 * @param sampler {@link FewShotSampler#version()} of the run's sampler ({@code "all"} for {@link Kind#ALL_IMAGES})
 * @param sameAsSampler true if the items are those the sampler draws for the seed (always, except for a
 *     CoOp cache that holds other items, e.g. ImageNet's drawn from a list in directory order)
 */
public record FewShotSource(Kind kind, Optional<Path> file, String sha256, String sampler, boolean sameAsSampler) {

  /** The kinds of source. */
  public enum Kind {
    /** Every image of the dataset, nothing sampled. */
    ALL_IMAGES,
    /** ckcoop's sampler, recorded in a ckcoop split file. */
    SAMPLER,
    /** The user's CoOp (Dassl) few-shot cache pickle. */
    DASSL_CACHE;

    /** Returns the kind as recorded: {@code all-images}, {@code sampler}, {@code dassl-cache}. */
    public String key() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** Checks that nothing is missing. */
  public FewShotSource {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(sampler, "sampler");
  }

  /** Returns the source of a split with every image. */
  public static FewShotSource allImages() {
    return new FewShotSource(Kind.ALL_IMAGES, Optional.empty(), "", "all", true);
  }

  /**
   * Returns the source as a run result records it: {@code kind}, {@code file}, {@code sha256},
   * {@code sampler}, {@code same_as_sampler} (file and hash left out for {@link Kind#ALL_IMAGES}).
   */
  public SortedMap<String, String> toMap() {
    SortedMap<String, String> map = new TreeMap<>();
    map.put("kind", kind.key());
    file.ifPresent(f -> map.put("file", f.toString()));
    if (!sha256.isEmpty()) {
      map.put("sha256", sha256);
    }
    map.put("sampler", sampler);
    map.put("same_as_sampler", Boolean.toString(sameAsSampler));
    return map;
  }

  @Override
  public String toString() {
    return kind.key() + file.map(f -> " " + f).orElse("") + (sha256.isEmpty() ? "" : " sha256 " + sha256)
        + (sameAsSampler ? "" : " (not what " + sampler + " draws)");
  }
}
