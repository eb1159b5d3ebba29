package org.ckcoop.eval.data;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A dataset as a run uses it: its train, val and test images and its class names in label order,
 * plus where it lives and its zero-shot template. Immutable.
 *
 * <p>Created only when consistent: every label is an index into the class list and every datum's
 * class name is its label's; every image is inside {@link #imageRoot()}; at least one part has
 * images. A violation throws {@link DatasetException} naming the dataset, the part and the entry.
 * Readers check their source files before (with the file and entry in the message), so these
 * checks catch what a caller builds by hand.
 *
 * <p>{@link #sourceHash()} identifies the content (class names and every entry of every part, paths
 * relative to the image folder), whatever file or folder layout it came from.
 */
public final class DatasetSplits {
  private final String name;
  private final Path home;
  private final Path imageRoot;
  private final List<String> classNames;
  private final List<Datum> train;
  private final List<Datum> val;
  private final List<Datum> test;
  private final ZeroShotTemplate template;
  private final boolean coopFewShotCache;
  private volatile String sourceHash;

  private DatasetSplits(Builder b) {
    this.name = Objects.requireNonNull(b.name, "name");
    this.imageRoot = Objects.requireNonNull(b.imageRoot, "imageRoot").toAbsolutePath().normalize();
    this.home = b.home == null ? imageRoot : b.home.toAbsolutePath().normalize();
    this.classNames = List.copyOf(Objects.requireNonNull(b.classNames, "classNames"));
    this.train = List.copyOf(b.train);
    this.val = List.copyOf(b.val);
    this.test = List.copyOf(b.test);
    this.template = Objects.requireNonNull(b.template, "template");
    this.coopFewShotCache = b.coopFewShotCache;
    if (name.isBlank()) {
      throw new IllegalArgumentException("dataset name is blank");
    }
    if (classNames.isEmpty()) {
      throw new DatasetException(name, "has no classes");
    }
    for (int i = 0; i < classNames.size(); i++) {
      if (classNames.get(i).isBlank()) {
        throw new DatasetException(name, "class " + i + " has a blank name");
      }
    }
    if (train.isEmpty() && val.isEmpty() && test.isEmpty()) {
      throw new DatasetException(name, "has no images in train, val or test");
    }
    check(SplitPart.TRAIN, train);
    check(SplitPart.VAL, val);
    check(SplitPart.TEST, test);
  }

  private void check(SplitPart part, List<Datum> data) {
    int n = classNames.size();
    for (int i = 0; i < data.size(); i++) {
      Datum d = data.get(i);
      String where = name + " " + part.key() + "[" + i + "] (" + d.image() + ")";
      if (d.label() >= n) {
        throw new DatasetException(where, "label " + d.label() + " is outside the class list (" + n
            + " classes, labels 0.." + (n - 1) + ")");
      }
      if (!d.className().equals(classNames.get(d.label()))) {
        throw new DatasetException(where, "class name '" + d.className() + "' is not the class list's name for label "
            + d.label() + " ('" + classNames.get(d.label()) + "')");
      }
      if (!d.image().startsWith(imageRoot)) {
        throw new DatasetException(where, "image is outside the dataset's image folder " + imageRoot);
      }
    }
  }

  /** Returns a builder. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Returns a builder holding this dataset's values, to derive a changed copy. */
  public Builder toBuilder() {
    return new Builder(name).home(home).imageRoot(imageRoot).classNames(classNames)
        .train(train).val(val).test(test).template(template).coopFewShotCache(coopFewShotCache);
  }

  /** Returns the dataset's name, e.g. {@code OxfordPets}. */
  public String name() {
    return name;
  }

  /** Returns the dataset's folder (Dassl's {@code dataset_dir}); few-shot split files go below it by default. */
  public Path home() {
    return home;
  }

  /** Returns the folder image paths are relative to in split files. */
  public Path imageRoot() {
    return imageRoot;
  }

  /** Returns the class names in label order. */
  public List<String> classNames() {
    return classNames;
  }

  /** Returns the number of classes. */
  public int numClasses() {
    return classNames.size();
  }

  /** Returns the training images. */
  public List<Datum> train() {
    return train;
  }

  /** Returns the validation images (empty where the dataset has none, e.g. ImageNet whose val is the test set). */
  public List<Datum> val() {
    return val;
  }

  /** Returns the test images. */
  public List<Datum> test() {
    return test;
  }

  /** Returns one part. */
  public List<Datum> part(SplitPart part) {
    return switch (part) {
      case TRAIN -> train;
      case VAL -> val;
      case TEST -> test;
    };
  }

  /** Returns the zero-shot template. */
  public ZeroShotTemplate template() {
    return template;
  }

  /**
   * Returns true if CoOp's reader of this dataset caches its few-shot subsets as
   * {@code <home>/split_fewshot/shot_<K>-seed_<S>.pkl} (ImageNet and the ten split-file datasets),
   * which {@link SplitStore} then reads instead of sampling ({@code DasslFewShotCache}).
   */
  public boolean coopFewShotCache() {
    return coopFewShotCache;
  }

  /** Returns the zero-shot prompt of every class, in label order. */
  public List<String> prompts() {
    return classNames.stream().map(template::prompt).toList();
  }

  /** Returns a datum's image path relative to {@link #imageRoot()}, with {@code /} separators. */
  public String relativePath(Datum datum) {
    return relativePath(imageRoot, datum.image());
  }

  static String relativePath(Path root, Path image) {
    Path rel = root.relativize(image);
    StringBuilder sb = new StringBuilder();
    for (Path part : rel) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(part);
    }
    return sb.toString();
  }

  /**
   * Returns the SHA-256 (64 hex digits) of the content: the canonical JSON
   * {@code {"classnames": [...], "train": [[path, label, class_name], ...], "val": [...], "test": [...]}}
   * with paths relative to the image folder. Equal content gives an equal hash on any machine. The
   * text is what Python's {@code json.dumps} writes by default, so
   * {@code hashlib.sha256(json.dumps({"classnames": c, "train": t, "val": v, "test": s}).encode())}
   * gives the same hash.
   */
  public String sourceHash() {
    String h = sourceHash;
    if (h == null) {
      MessageDigest digest = CanonicalJson.sha256();
      StringBuilder sb = new StringBuilder("{\"classnames\": ");
      CanonicalJson.strings(sb, classNames);
      for (SplitPart part : SplitPart.values()) {
        sb.append(", \"").append(part.key()).append("\": [");
        List<Datum> data = part(part);
        for (int i = 0; i < data.size(); i++) {
          if (i > 0) {
            sb.append(", ");
          }
          CanonicalJson.entry(sb, relativePath(data.get(i)), data.get(i));
          if (sb.length() > 8192) {
            CanonicalJson.update(digest, sb);
            sb.setLength(0);
          }
        }
        sb.append(']');
      }
      sb.append('}');
      CanonicalJson.update(digest, sb);
      h = CanonicalJson.hex(digest);
      sourceHash = h;
    }
    return h;
  }

  @Override
  public String toString() {
    return name + " (" + classNames.size() + " classes; train " + train.size() + ", val " + val.size()
        + ", test " + test.size() + ")";
  }

  /** Builds a {@link DatasetSplits}; parts default to empty, the template to {@link ZeroShotTemplate#PHOTO}. */
  public static final class Builder {
    private final String name;
    private Path home;
    private Path imageRoot;
    private List<String> classNames;
    private List<Datum> train = new ArrayList<>();
    private List<Datum> val = new ArrayList<>();
    private List<Datum> test = new ArrayList<>();
    private ZeroShotTemplate template = ZeroShotTemplate.PHOTO;
    private boolean coopFewShotCache;

    private Builder(String name) {
      this.name = name;
    }

    /** Sets the dataset's folder (defaults to the image folder). */
    public Builder home(Path value) {
      this.home = value;
      return this;
    }

    /** Sets the folder image paths are relative to. */
    public Builder imageRoot(Path value) {
      this.imageRoot = value;
      return this;
    }

    /** Sets the class names in label order. */
    public Builder classNames(List<String> value) {
      this.classNames = value;
      return this;
    }

    /** Sets the training images. */
    public Builder train(List<Datum> value) {
      this.train = Objects.requireNonNull(value, "train");
      return this;
    }

    /** Sets the validation images. */
    public Builder val(List<Datum> value) {
      this.val = Objects.requireNonNull(value, "val");
      return this;
    }

    /** Sets the test images. */
    public Builder test(List<Datum> value) {
      this.test = Objects.requireNonNull(value, "test");
      return this;
    }

    /** Sets one part. */
    public Builder part(SplitPart part, List<Datum> value) {
      return switch (part) {
        case TRAIN -> train(value);
        case VAL -> val(value);
        case TEST -> test(value);
      };
    }

    /** Sets the zero-shot template. */
    public Builder template(ZeroShotTemplate value) {
      this.template = Objects.requireNonNull(value, "template");
      return this;
    }

    /** Sets whether CoOp caches this dataset's few-shot subsets in {@code split_fewshot/} (default false). */
    public Builder coopFewShotCache(boolean value) {
      this.coopFewShotCache = value;
      return this;
    }

    /**
     * Builds and checks the dataset.
     *
     * @throws DatasetException if a label is outside the class list, a class name is not its
     *     label's, an image is outside the image folder, or there are no images or no classes
     */
    public DatasetSplits build() {
      return new DatasetSplits(this);
    }
  }
}
