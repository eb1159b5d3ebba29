package org.ckcoop.eval.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * Few-shot sampling as Dassl does it: given the same train and val lists in the same order, the
 * subsets are the ones CoOp, CoCoOp, KgCoOp and the others trained on (identical to Dassl for the 10
 * split-file datasets; ImageNet matches Dassl only through CoOp's few-shot cache, see below).
 *
 * <p>Dassl (CoOp's {@code train.py}, then {@code DatasetBase.generate_fewshot_dataset}):
 * {@code set_random_seed(seed)} calls {@code random.seed(seed)} (then numpy's and torch's seeds, which
 * do not touch Python's {@code random}); nothing else draws from {@code random} before the dataset is
 * built (the split JSON is read, not created); then the training list is sampled with {@code shots}
 * per class and, on the same stream, the val list with {@code min(shots, 4)}. For each list the
 * classes are visited in order of first appearance, and a class with at least {@code shots} images
 * gets {@code random.sample(items, shots)} (in draw order); a smaller class follows the
 * {@link ShortClassPolicy}. This class replays that with {@link PythonRandom}.
 *
 * <p>Reproduced exactly: the sampled images and their order, for any seed, given the same train and
 * val lists in the same order (split_zhou JSONs and FGVCAircraft's files are read in file order).
 * Not reproduced: ImageNet and the folder-based datasets, whose lists Dassl builds with
 * {@code os.listdir} in the file system's order (not portable) while readers here sort by file name,
 * so the subsets share only chance overlap with Dassl's; for ImageNet, {@link SplitStore} therefore
 * reads the user's CoOp few-shot cache when it exists ({@code DasslFewShotCache}); a split JSON
 * that CoOp creates on the fly (its {@code random.shuffle} draws from the stream first); Dassl's seed
 * handling in CoOp's {@code train.py}, where {@code --seed 0} is ignored (an unseeded run). Datasets
 * without a val part (ImageNet, whose val is its test set) draw no val shots, as in CoOp.
 */
public final class FewShotSampler {
  /** Val shots are at most this many per class ({@code min(shots, 4)}). */
  public static final int MAX_VAL_SHOTS = 4;

  private final ShortClassPolicy shortClasses;

  /** Creates a sampler with a policy for classes that have fewer images than shots. */
  public FewShotSampler(ShortClassPolicy shortClasses) {
    this.shortClasses = Objects.requireNonNull(shortClasses, "shortClasses");
  }

  /** Returns the sampler of current Dassl ({@link ShortClassPolicy#KEEP_ALL}). */
  public static FewShotSampler dassl() {
    return new FewShotSampler(ShortClassPolicy.KEEP_ALL);
  }

  /** Returns the policy for classes with fewer images than shots. */
  public ShortClassPolicy shortClasses() {
    return shortClasses;
  }

  /**
   * Returns the sampler's version, recorded in split files: a file written by another version is not
   * reused. Change it whenever the subsets a seed gives would change.
   */
  public String version() {
    return "dassl-fewshot/1 cpython-random short_classes=" + shortClasses.name().toLowerCase(Locale.ROOT);
  }

  /**
   * Samples a dataset: {@code shots} training images per class and {@code min(shots, 4)} val images
   * per class, from one {@link PythonRandom} seeded with {@code seed}; the test part is kept whole.
   *
   * @throws DatasetException if the dataset has no training images (a test-only dataset)
   * @throws IllegalArgumentException if {@code shots < 1} or {@code seed < 0}
   */
  public DatasetSplits sample(DatasetSplits full, int shots, long seed) {
    if (shots < 1) {
      throw new IllegalArgumentException("shots must be >= 1, got " + shots);
    }
    if (seed < 0) {
      throw new IllegalArgumentException("seed must be >= 0, got " + seed);
    }
    if (full.train().isEmpty()) {
      throw new DatasetException(full.name(), "is test-only: it has no training images to sample " + shots
          + " shots per class from");
    }
    PythonRandom random = new PythonRandom(seed);
    List<Datum> train = perClass(full.train(), Datum::label, shots, random);
    List<Datum> val = full.val().isEmpty() ? List.of()
        : perClass(full.val(), Datum::label, Math.min(shots, MAX_VAL_SHOTS), random);
    return full.toBuilder().train(train).val(val).build();
  }

  /**
   * Dassl's {@code generate_fewshot_dataset} on one list: groups by label in order of first
   * appearance, then per class {@code random.sample(items, shots)}, or for a smaller class all its
   * items ({@link ShortClassPolicy#KEEP_ALL}) or {@code random.choices(items, k=shots)}
   * ({@link ShortClassPolicy#REPEAT}).
   */
  public <T> List<T> perClass(List<T> items, ToIntFunction<T> label, int shots, PythonRandom random) {
    Map<Integer, List<T>> tracker = new LinkedHashMap<>();
    for (T item : items) {
      tracker.computeIfAbsent(label.applyAsInt(item), k -> new ArrayList<>()).add(item);
    }
    List<T> dataset = new ArrayList<>();
    for (List<T> group : tracker.values()) {
      if (group.size() >= shots) {
        dataset.addAll(random.sample(group, shots));
      } else if (shortClasses == ShortClassPolicy.REPEAT) {
        dataset.addAll(random.choices(group, shots));
      } else {
        dataset.addAll(group);
      }
    }
    return dataset;
  }

  @Override
  public String toString() {
    return version();
  }
}
