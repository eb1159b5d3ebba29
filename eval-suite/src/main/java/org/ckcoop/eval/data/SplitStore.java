package org.ckcoop.eval.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Few-shot split files: the sampled split of a (dataset, shots, seed) is written once, as a JSON
 * file, and every later run and every learner reads that file back. The file's SHA-256 is the split's
 * identity ({@link FewShotSplit#identity()}).
 *
 * <p>A file is {@code <dir>/<dataset>/shot_<K>-seed_<S>.json} ({@link #file}):
 *
 * <pre>{@code
 * {
 *   "format": "ckcoop-fewshot-split/1",
 *   "dataset": "OxfordPets",
 *   "shots": 16,
 *   "seed": 1,
 *   "sampler": "dassl-fewshot/1 cpython-random short_classes=keep_all",
 *   "source_sha256": "<DatasetSplits.sourceHash() of the full split sampled from>",
 *   "entries_sha256": "<SHA-256 of {"classnames": [...], "train": [...], "val": [...]}>",
 *   "classnames": ["abyssinian", ...],
 *   "train": [
 *     ["Abyssinian_101.jpg", 0, "abyssinian"],
 *     ...
 *   ],
 *   "val": [...]
 * }
 * }</pre>
 *
 * Entries are {@code split_zhou} entries (paths relative to the dataset's image folder), in sampling
 * order. The bytes are canonical (fixed layout, ASCII, {@code \n}), so the same split gives the same
 * file, and the same identity, on every machine. Both hashes inside are of text as Python's
 * {@code json.dumps} writes it by default ({@code entries_sha256} is
 * {@code sha256(json.dumps({"classnames": c, "train": t, "val": v}))}), so the file can be checked, or
 * re-created, from Python.
 *
 * <p>Writing is atomic (a temporary file in the same folder, flushed, then renamed), so a killed run
 * leaves no partial file and concurrent runs that sample the same split write identical bytes. A file
 * that exists is reused only after checking it: well-formed JSON in the canonical layout, the same
 * dataset, shots, seed, sampler version and source split hash as the run, an entries hash that
 * matches its entries, every entry an image of the source split with the same label and class, and
 * the entries those the sampler draws for the seed (re-drawing costs milliseconds).
 * Anything else throws {@link DatasetException}; a file is never silently used or replaced.
 *
 * <p>A CoOp few-shot cache comes first: for a dataset whose CoOp reader caches its subsets
 * ({@link DatasetSplits#coopFewShotCache()}: ImageNet and the ten split-file datasets), an existing
 * {@code <dataset folder>/split_fewshot/shot_<K>-seed_<S>.pkl} is read ({@code DasslFewShotCache})
 * and the run trains on exactly its items, in its order, whatever the small-class policy; no split
 * file is read or written then. The identity is the SHA-256 of the split file that would hold those
 * items, so it equals the sampler's identity when the cache holds what the sampler draws (the split
 * files of the ten split-file datasets, whose lists Dassl and ckcoop read in the same order) and
 * differs otherwise (ImageNet, whose lists Dassl takes in directory order).
 * {@link FewShotSplit#source()} records the pickle and its SHA-256, or the sampler and split file.
 */
public final class SplitStore {
  private static final Logger LOG = LoggerFactory.getLogger(SplitStore.class);

  /** The {@code format} of split files. */
  public static final String FORMAT = "ckcoop-fewshot-split/1";
  /** The folder, inside the dataset's folder, that {@link #beside} uses. */
  public static final String DEFAULT_FOLDER = "split_fewshot_ckcoop";

  private final Path dir;

  /** Creates a store whose files live under {@code dir}. */
  public SplitStore(Path dir) {
    this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
  }

  /** Returns the store in the dataset's own folder, {@code <home>/split_fewshot_ckcoop}. */
  public static SplitStore beside(DatasetSplits dataset) {
    return new SplitStore(dataset.home().resolve(DEFAULT_FOLDER));
  }

  /** Returns the folder the files live under. */
  public Path dir() {
    return dir;
  }

  /**
   * Returns the file of a split: {@code <dir>/<dataset>/shot_<K>-seed_<S>.json}, with a
   * {@code -repeat} suffix before {@code .json} for a {@link ShortClassPolicy#REPEAT} sampler.
   */
  public Path file(String dataset, int shots, long seed, FewShotSampler sampler) {
    String folder = dataset.replaceAll("[^A-Za-z0-9._-]", "_");
    String suffix = sampler.shortClasses() == ShortClassPolicy.REPEAT ? "-repeat" : "";
    return dir.resolve(folder).resolve("shot_" + shots + "-seed_" + seed + suffix + ".json");
  }

  /**
   * Returns the split of {@code full} for {@code shots} and {@code seed}: read from its file when the
   * file exists (after checking it), otherwise sampled and written. {@code shots = 0} keeps every
   * image and writes nothing (the identity is then the dataset's source hash).
   *
   * @throws DatasetException if the existing file is corrupt, edited, or written for another dataset
   *     version, sampler, shots or seed; or if it cannot be written
   * @throws IllegalArgumentException if {@code shots < 0} or {@code seed < 0}
   */
  public FewShotSplit fewShot(DatasetSplits full, int shots, long seed, FewShotSampler sampler) {
    if (shots < 0) {
      throw new IllegalArgumentException("shots must be >= 0, got " + shots);
    }
    if (seed < 0) {
      throw new IllegalArgumentException("seed must be >= 0, got " + seed);
    }
    if (shots == 0) {
      return new FewShotSplit(full, 0, seed, "all", full.sourceHash(), full.sourceHash(), Optional.empty(),
          FewShotSource.allImages());
    }
    Optional<Path> cache = DasslFewShotCache.find(full, shots, seed);
    if (cache.isPresent()) {
      return fromCoopCache(cache.get(), full, shots, seed, sampler);
    }
    warnIfListOrderDiffers(full, shots, seed);
    Path file = file(full.name(), shots, seed, sampler);
    if (Files.exists(file)) {
      return load(file, full, shots, seed, sampler);
    }
    DatasetSplits sampled = sampler.sample(full, shots, seed);
    byte[] bytes = encode(full.name(), shots, seed, sampler.version(), full.sourceHash(), sampled.classNames(),
        entries(full, sampled.train()), entries(full, sampled.val()));
    if (!write(file, bytes)) {
      return load(file, full, shots, seed, sampler); // another run wrote it first
    }
    LOG.info("{}: wrote the {}-shot split of {} for seed {}", file, shots, full.name(), seed);
    String identity = CanonicalJson.sha256(bytes);
    return new FewShotSplit(sampled, shots, seed, sampler.version(), full.sourceHash(), identity, Optional.of(file),
        new FewShotSource(FewShotSource.Kind.SAMPLER, Optional.of(file), identity, sampler.version(), true));
  }

  /** The split of a CoOp cache: its items, and the identity of the split file that would hold them. */
  private FewShotSplit fromCoopCache(Path pickle, DatasetSplits full, int shots, long seed, FewShotSampler sampler) {
    DasslFewShotCache.Items items = DasslFewShotCache.read(pickle, full);
    DatasetSplits splits = full.toBuilder().train(items.train()).val(items.val()).build();
    byte[] bytes = encode(full.name(), shots, seed, sampler.version(), full.sourceHash(), full.classNames(),
        entries(full, items.train()), entries(full, items.val()));
    DatasetSplits drawn = sampler.sample(full, shots, seed);
    boolean same = drawn.train().equals(items.train()) && drawn.val().equals(items.val());
    Path own = file(full.name(), shots, seed, sampler);
    LOG.info("{}: training on CoOp's cached {}-shot split of {} for seed {} ({} train, {} val items; {}){}", pickle,
        shots, full.name(), seed, items.train().size(), items.val().size(),
        same ? "the same items as " + sampler.version() + " draws" : "not the items " + sampler.version() + " draws",
        Files.exists(own) ? "; " + own + " is not used while the cache is there" : "");
    return new FewShotSplit(splits, shots, seed, sampler.version(), full.sourceHash(), CanonicalJson.sha256(bytes),
        Optional.of(pickle), new FewShotSource(FewShotSource.Kind.DASSL_CACHE, Optional.of(pickle), items.sha256(),
            sampler.version(), same));
  }

  /** ImageNet's preprocessed.pkl fixes Dassl's list order; ckcoop's sorted lists may then sample other images. */
  private static void warnIfListOrderDiffers(DatasetSplits full, int shots, long seed) {
    Path preprocessed = full.home().resolve("preprocessed.pkl");
    if (full.coopFewShotCache() && Files.isRegularFile(preprocessed)) {
      LOG.warn("{}: there is CoOp's full list of {} but no {}: sampling from the class folders sorted by name, so "
          + "the {}-shot subset for seed {} is not the one a CoOp run on this machine would draw (that one comes from "
          + "the lists in directory order)", preprocessed, full.name(), DasslFewShotCache.file(full, shots, seed), shots,
          seed);
    }
  }

  /** An entry as written: the path relative to the image folder and the datum. */
  private record Entry(String path, int label, String className, Optional<String> domain) {
    StringBuilder appendTo(StringBuilder sb) {
      return CanonicalJson.entry(sb, path, label, className, domain);
    }
  }

  private static List<Entry> entries(DatasetSplits full, List<Datum> data) {
    List<Entry> out = new ArrayList<>(data.size());
    for (Datum d : data) {
      out.add(new Entry(full.relativePath(d), d.label(), d.className(), d.domain()));
    }
    return out;
  }

  private static String entriesHash(List<String> classNames, List<Entry> train, List<Entry> val) {
    MessageDigest digest = CanonicalJson.sha256();
    StringBuilder sb = new StringBuilder("{\"classnames\": ");
    CanonicalJson.strings(sb, classNames);
    for (int p = 0; p < 2; p++) {
      List<Entry> list = p == 0 ? train : val;
      sb.append(p == 0 ? ", \"train\": [" : ", \"val\": [");
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          sb.append(", ");
        }
        list.get(i).appendTo(sb);
        if (sb.length() > 8192) {
          CanonicalJson.update(digest, sb);
          sb.setLength(0);
        }
      }
      sb.append(']');
    }
    CanonicalJson.update(digest, sb.append('}'));
    return CanonicalJson.hex(digest);
  }

  private static byte[] encode(String dataset, int shots, long seed, String sampler, String sourceHash,
      List<String> classNames, List<Entry> train, List<Entry> val) {
    StringBuilder sb = new StringBuilder(256 + 64 * (train.size() + val.size()));
    sb.append("{\n");
    CanonicalJson.string(sb.append("  \"format\": "), FORMAT).append(",\n");
    CanonicalJson.string(sb.append("  \"dataset\": "), dataset).append(",\n");
    sb.append("  \"shots\": ").append(shots).append(",\n");
    sb.append("  \"seed\": ").append(seed).append(",\n");
    CanonicalJson.string(sb.append("  \"sampler\": "), sampler).append(",\n");
    CanonicalJson.string(sb.append("  \"source_sha256\": "), sourceHash).append(",\n");
    CanonicalJson.string(sb.append("  \"entries_sha256\": "), entriesHash(classNames, train, val)).append(",\n");
    CanonicalJson.strings(sb.append("  \"classnames\": "), classNames).append(",\n");
    list(sb, "train", train).append(",\n");
    list(sb, "val", val).append("\n}\n");
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static StringBuilder list(StringBuilder sb, String key, List<Entry> entries) {
    sb.append("  \"").append(key).append("\": [");
    if (entries.isEmpty()) {
      return sb.append(']');
    }
    for (int i = 0; i < entries.size(); i++) {
      entries.get(i).appendTo(sb.append(i == 0 ? "\n    " : ",\n    "));
    }
    return sb.append("\n  ]");
  }

  /** Writes atomically; returns false if the file appeared meanwhile (then nothing is written). */
  private static boolean write(Path file, byte[] bytes) {
    Path tmp = null;
    try {
      Files.createDirectories(file.getParent());
      // A unique sibling created with the default permissions (createTempFile would make it 0600, unreadable
      // to other users of a shared results folder).
      tmp = file.resolveSibling("." + file.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      if (Files.exists(file)) {
        return false;
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      return true;
    } catch (IOException e) {
      throw new DatasetException(file, "cannot write the few-shot split file: " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          LOG.warn("{}: cannot delete temporary file: {}", tmp, e.getMessage());
        }
      }
    }
  }

  private static FewShotSplit load(Path file, DatasetSplits full, int shots, long seed, FewShotSampler sampler) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new DatasetException(file, "cannot read the few-shot split file: " + e.getMessage(), e);
    }
    String remedy = "; move it away (or delete it) to sample the split again, or restore it";
    JsonNode root;
    try {
      root = SplitJsonFile.parse(file);
    } catch (DatasetException e) {
      throw new DatasetException(file, "is corrupt: " + e.problem() + remedy, e);
    }
    if (!root.isObject() || !FORMAT.equals(text(root, "format"))) {
      throw new DatasetException(file, "is not a ckcoop few-shot split file (expected \"format\": \"" + FORMAT + "\")"
          + remedy);
    }
    List<String> mismatches = new ArrayList<>();
    compare(mismatches, "dataset", text(root, "dataset"), full.name());
    compare(mismatches, "shots", number(root, "shots"), Integer.toString(shots));
    compare(mismatches, "seed", number(root, "seed"), Long.toString(seed));
    compare(mismatches, "sampler", text(root, "sampler"), sampler.version());
    if (!mismatches.isEmpty()) {
      throw new DatasetException(file, "was written for another split (" + String.join("; ", mismatches) + ")" + remedy);
    }
    String source = text(root, "source_sha256");
    if (!full.sourceHash().equals(source)) {
      throw new DatasetException(file, "was sampled from a different source split of " + full.name()
          + " (source_sha256 " + source + ", but the dataset now hashes to " + full.sourceHash()
          + "): its split file, class names or images changed since" + remedy);
    }
    List<String> classNames = new ArrayList<>();
    JsonNode names = root.get("classnames");
    if (names == null || !names.isArray()) {
      throw new DatasetException(file, "is corrupt: \"classnames\" is not a list" + remedy);
    }
    names.forEach(n -> classNames.add(n.asText()));
    List<Entry> train = parseEntries(file, root, "train", remedy);
    List<Entry> val = parseEntries(file, root, "val", remedy);
    String recorded = text(root, "entries_sha256");
    String actual = entriesHash(classNames, train, val);
    if (!actual.equals(recorded)) {
      throw new DatasetException(file, "is corrupt or was edited: its entries hash to " + actual
          + " but it records entries_sha256 " + recorded + remedy);
    }
    if (!classNames.equals(full.classNames())) {
      throw new DatasetException(file, "lists other class names than " + full.name() + remedy);
    }
    byte[] canonical = encode(full.name(), shots, seed, sampler.version(), source, classNames, train, val);
    if (!Arrays.equals(canonical, bytes)) {
      throw new DatasetException(file, "is not in the canonical layout ckcoop writes (was it reformatted?), so its "
          + "hash is not the split's identity" + remedy);
    }
    DatasetSplits splits = full.toBuilder()
        .train(toData(file, "train", train, full.train(), full, remedy))
        .val(toData(file, "val", val, full.val(), full, remedy))
        .build();
    DatasetSplits drawn = sampler.sample(full, shots, seed);
    for (SplitPart part : List.of(SplitPart.TRAIN, SplitPart.VAL)) {
      List<Datum> stored = splits.part(part);
      List<Datum> expected = drawn.part(part);
      if (!stored.equals(expected)) {
        int i = 0;
        while (i < Math.min(stored.size(), expected.size()) && stored.get(i).equals(expected.get(i))) {
          i++;
        }
        throw new DatasetException(file + " entry " + part.key() + "[" + i + "]", "differs from the split that "
            + sampler.version() + " draws for seed " + seed + " (the file holds " + stored.size() + " " + part.key()
            + " entries, the sampler " + expected.size() + "): it was edited, or written by another implementation"
            + remedy);
      }
    }
    String identity = CanonicalJson.sha256(bytes);
    return new FewShotSplit(splits, shots, seed, sampler.version(), source, identity, Optional.of(file),
        new FewShotSource(FewShotSource.Kind.SAMPLER, Optional.of(file), identity, sampler.version(), true));
  }

  private static void compare(List<String> mismatches, String key, String found, String expected) {
    if (!expected.equals(found)) {
      mismatches.add(key + " is " + (found == null ? "missing" : "'" + found + "'") + ", this run has '" + expected + "'");
    }
  }

  private static String text(JsonNode root, String key) {
    JsonNode node = root.get(key);
    return node != null && node.isTextual() ? node.textValue() : null;
  }

  private static String number(JsonNode root, String key) {
    JsonNode node = root.get(key);
    return node != null && node.isIntegralNumber() ? node.asText() : null;
  }

  private static List<Entry> parseEntries(Path file, JsonNode root, String key, String remedy) {
    JsonNode list = root.get(key);
    if (list == null || !list.isArray()) {
      throw new DatasetException(file, "is corrupt: \"" + key + "\" is not a list" + remedy);
    }
    List<Entry> entries = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      JsonNode e = list.get(i);
      boolean ok = e.isArray() && (e.size() == 3 || e.size() == 4) && e.get(0).isTextual()
          && e.get(1).isIntegralNumber() && e.get(1).canConvertToInt() && e.get(2).isTextual()
          && (e.size() == 3 || e.get(3).isTextual());
      if (!ok) {
        throw new DatasetException(file + " entry " + key + "[" + i + "]", "is corrupt: expected "
            + SplitJsonFile.ENTRY_FORM + ", got " + SplitJsonFile.abbreviate(e) + remedy);
      }
      entries.add(new Entry(e.get(0).textValue(), e.get(1).intValue(), e.get(2).textValue(),
          e.size() == 4 ? Optional.of(e.get(3).textValue()) : Optional.empty()));
    }
    return entries;
  }

  private static List<Datum> toData(Path file, String key, List<Entry> entries, List<Datum> source, DatasetSplits full,
      String remedy) {
    Map<String, Datum> byPath = new HashMap<>();
    for (Datum d : source) {
      byPath.putIfAbsent(full.relativePath(d), d);
    }
    List<Datum> data = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      Datum d = byPath.get(e.path());
      if (d == null || d.label() != e.label() || !d.className().equals(e.className()) || !d.domain().equals(e.domain())) {
        throw new DatasetException(file + " entry " + key + "[" + i + "]", "is not an image of " + full.name()
            + "'s " + key + " part with that label and class: " + e.appendTo(new StringBuilder()) + remedy);
      }
      data.add(d);
    }
    return data;
  }
}
