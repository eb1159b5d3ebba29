package org.ckcoop.eval.features;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.IntConsumer;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.common.InputException;
import org.ckcoop.common.ProjectVersion;
import org.ckcoop.backbone.encode.FeatureEncoder;
import org.ckcoop.backbone.image.ChannelNormalization;
import org.ckcoop.backbone.image.TrainAugmentation;
import org.ckcoop.backbone.safetensors.SafetensorsException;
import org.ckcoop.backbone.safetensors.SafetensorsFile;
import org.ckcoop.backbone.safetensors.SafetensorsWriter;
import org.ckcoop.backbone.safetensors.StorageType;
import org.ckcoop.backbone.safetensors.TensorEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ckcoop.common.engine.EngineArrays;

/**
 * Frozen image features of one backbone, computed once per image list and view and reused from
 * memory (this process) and disk (later processes, other machines on a shared file system).
 *
 * <p><b>Key.</b> An entry's key is the SHA-256 of {@code ckcoop-features/1}, the backbone identity, the
 * view's preprocessing ({@link #preprocessing(FeatureView)}: CLIP's test transform, or CoOp's
 * augmentation with its parameters, seed and view number), the number of images and each image's
 * content hash ({@link ImageIdentities}) in order. Moving or renaming the images keeps the key; a
 * changed image, backbone or preprocessing gives another key.
 *
 * <p><b>File.</b> {@code <dir>/<key[0..2]>/<key>.safetensors}: one F32 tensor {@code features} [N,
 * embed] (projected, not normalised) with metadata {@code format}, {@code key}, {@code
 * backbone_identity}, {@code preprocessing}, {@code images}, {@code data_sha256} (SHA-256 of the
 * values as little-endian F32) and {@code ckcoop_version}. Files are written to a unique temporary
 * name and renamed into place, so a killed process leaves no partial entry and two processes writing
 * the same entry both leave a complete one. A file that cannot be read, or whose format, key, shape
 * or data hash does not check out, or that holds a NaN or infinite value, is logged (naming the entry,
 * and the image of a non-finite row), recomputed and replaced: it is never used. Features that come
 * out of the backbone non-finite are refused ({@link InputException} naming the entry file and the
 * image) and never written.
 *
 * <p><b>Augmented views.</b> Image {@code i} of augmented view {@code v} with seed {@code s} is
 * {@link TrainAugmentation} (scale 0.08-1, ratio 3/4-4/3, flip 0.5, the backbone's normalisation)
 * driven by a {@link SplittableRandom} seeded with {@code s * 0x9E3779B97F4A7C15 + h +
 * 0x632BE59BD9B4E019 * (v + 1)}, {@code h} the first 64 bits of the image's content hash.
 *
 * <p>Returned arrays are shared with the memory cache: do not modify them. Thread-safe.
 */
public final class FeatureStore {
  /** The {@code format} of entry files. */
  public static final String FORMAT = "ckcoop-features/1";
  private static final String TENSOR = "features";
  private static final Logger LOG = LoggerFactory.getLogger(FeatureStore.class);

  private final Path directory;
  private final ClipBackbone backbone;
  private final int batchSize;
  private final FeatureEncoder encoder;
  private final TrainAugmentation augmentation;
  private final ImageIdentities identities;
  private final long memoryLimit;
  private final LinkedHashMap<String, float[]> memory = new LinkedHashMap<>(16, 0.75f, true);
  private long memoryFloats;
  private int memoryHits;
  private int diskHits;
  private int encoded;
  private int rebuilt;

  /**
   * How a store's requests were served so far.
   *
   * @param memoryHits lists served from this process's memory
   * @param diskHits lists read from a valid disk entry
   * @param encoded lists encoded by the backbone (including rebuilt ones)
   * @param rebuilt disk entries that were corrupt or did not match and were replaced
   */
  public record Counts(int memoryHits, int diskHits, int encoded, int rebuilt) {}

  /**
   * Creates a store.
   *
   * @param directory the cache folder (created when the first entry is written)
   * @param backbone the frozen backbone whose image tower computes the features
   * @param batchSize images per forward pass
   */
  public FeatureStore(Path directory, ClipBackbone backbone, int batchSize) {
    this(directory, backbone, batchSize, new ImageIdentities());
  }

  /** Creates a store that shares a memo of image hashes with others. */
  public FeatureStore(Path directory, ClipBackbone backbone, int batchSize, ImageIdentities identities) {
    this.directory = directory.toAbsolutePath().normalize();
    this.backbone = backbone;
    this.batchSize = batchSize;
    this.encoder = new FeatureEncoder(backbone, batchSize);
    this.augmentation = new TrainAugmentation(backbone.architecture().imageResolution(), 0.08, 1.0, 3.0 / 4, 4.0 / 3,
        0.5, ChannelNormalization.of(backbone.normalization()));
    this.identities = identities;
    this.memoryLimit = Math.max(1L << 24, Runtime.getRuntime().maxMemory() / 4 / Float.BYTES);
  }

  /** Returns the cache folder. */
  public Path directory() {
    return directory;
  }

  /** Returns the memo of image content hashes. */
  public ImageIdentities identities() {
    return identities;
  }

  /** Returns the description of a view's preprocessing that enters the key. */
  public String preprocessing(FeatureView view) {
    return view.augmented()
        ? augmentation + " seed=" + view.seed() + " view=" + view.index()
        : encoder.preprocessor().toString();
  }

  /** Returns the key of an image list in a view (reads every image once to hash it, then remembers). */
  public String key(List<Path> images, FeatureView view) {
    MessageDigest digest = sha256();
    update(digest, FORMAT + "\n" + backbone.identity() + "\n" + preprocessing(view) + "\n" + images.size() + "\n");
    for (String identity : identities.of(images)) {
      update(digest, identity + "\n");
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Returns the file of an entry. */
  public Path file(String key) {
    return directory.resolve(key.substring(0, 2)).resolve(key + ".safetensors");
  }

  /** Returns how requests were served so far. */
  public synchronized Counts counts() {
    return new Counts(memoryHits, diskHits, encoded, rebuilt);
  }

  /**
   * Returns the features [N, embed] of the images in the view, row-major: from memory, from a valid
   * disk entry, or encoded now (and then stored).
   *
   * @param progress called with the number of images finished after each encoded batch
   * @throws InputException naming an image that cannot be read or decoded
   */
  public synchronized float[] features(List<Path> images, FeatureView view, IntConsumer progress) {
    String key = key(images, view);
    float[] cached = memory.get(key);
    if (cached != null) {
      memoryHits++;
      return cached;
    }
    int width = backbone.architecture().embedDim();
    Path file = file(key);
    float[] values = Files.exists(file) ? read(file, key, images, width) : null;
    if (values != null) {
      diskHits++;
    } else {
      LOG.info("encoding {} images ({}) into {}", images.size(), view, file);
      values = view.augmented() ? encodeAugmented(images, view, progress) : encoder.encodeImages(images, progress);
      String bad = nonFinite(values, images, width);
      if (bad != null) {
        throw new InputException(file, "feature cache entry not written: " + bad + " (" + view + " view)");
      }
      encoded++;
      write(file, key, view, images.size(), width, values);
    }
    remember(key, values);
    return values;
  }

  private float[] read(Path file, String key, List<Path> images, int width) {
    int count = images.size();
    String problem;
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      Map<String, String> meta = f.metadata();
      TensorEntry entry = f.entries().get(TENSOR);
      if (!FORMAT.equals(meta.get("format"))) {
        problem = "format is " + meta.get("format") + ", expected " + FORMAT;
      } else if (!key.equals(meta.get("key"))) {
        problem = "it records key " + meta.get("key");
      } else if (entry == null || entry.shape().length != 2 || entry.shape()[0] != count || entry.shape()[1] != width) {
        problem = "tensor '" + TENSOR + "' is missing or not [" + count + ", " + width + "]";
      } else {
        float[] values = f.readFloats(TENSOR);
        String hash = dataHash(values);
        String bad = nonFinite(values, images, width);
        if (!hash.equals(meta.get("data_sha256"))) {
          problem = "its values hash to " + hash + " but it records " + meta.get("data_sha256");
        } else if (bad != null) {
          problem = bad;
        } else {
          return values;
        }
      }
    } catch (SafetensorsException e) {
      problem = e.problem();
    } catch (RuntimeException e) {
      problem = e.toString();
    }
    rebuilt++;
    LOG.warn("{}: feature cache entry is corrupt or partial ({}); recomputing it", file, problem);
    return null;
  }

  private void write(Path file, String key, FeatureView view, int count, int width, float[] values) {
    Map<String, String> meta = new TreeMap<>();
    meta.put("format", FORMAT);
    meta.put("key", key);
    meta.put("backbone_identity", backbone.identity());
    meta.put("preprocessing", preprocessing(view));
    meta.put("images", Integer.toString(count));
    meta.put("data_sha256", dataHash(values));
    meta.put("ckcoop_version", ProjectVersion.get());
    try {
      Files.createDirectories(file.getParent());
      new SafetensorsWriter().putAllMetadata(meta)
          .addFloats(TENSOR, values, new long[] {count, width}, StorageType.F32)
          .write(file);
    } catch (java.io.IOException | RuntimeException e) {
      LOG.warn("{}: cannot store features in the cache ({}); continuing without", file, e.getMessage());
    }
  }

  private float[] encodeAugmented(List<Path> images, FeatureView view, IntConsumer progress) {
    int r = backbone.architecture().imageResolution();
    int size = 3 * r * r;
    int embed = backbone.architecture().embedDim();
    List<String> hashes = identities.of(images);
    float[] out = new float[images.size() * embed];
    for (int start = 0; start < images.size(); start += batchSize) {
      int n = Math.min(images.size(), start + batchSize) - start;
      float[] pixels = new float[n * size];
      for (int k = 0; k < n; k++) {
        long h = Long.parseUnsignedLong(hashes.get(start + k).substring(0, 16), 16);
        SplittableRandom random = new SplittableRandom(
            view.seed() * 0x9E3779B97F4A7C15L + h + 0x632BE59BD9B4E019L * (view.index() + 1));
        System.arraycopy(augmentation.apply(images.get(start + k), random), 0, pixels, k * size, size);
      }
      try (NDManager manager = EngineRuntime.engine().newBaseManager(backbone.device())) {
        float[] features = backbone.encodeImages(EngineArrays.of(manager, pixels, new Shape(n, 3, r, r))).toFloatArray();
        System.arraycopy(features, 0, out, start * embed, n * embed);
      }
      progress.accept(n);
    }
    return out;
  }

  private void remember(String key, float[] values) {
    memory.put(key, values);
    memoryFloats += values.length;
    Iterator<Map.Entry<String, float[]>> eldest = memory.entrySet().iterator();
    while (memoryFloats > memoryLimit && memory.size() > 1) {
      Map.Entry<String, float[]> e = eldest.next();
      memoryFloats -= e.getValue().length;
      eldest.remove();
    }
  }

  /**
   * Returns what is wrong when a row of features is not finite ({@code the feature of image <path>
   * (row 3) is NaN at dimension 7}), or {@code null} when every value is finite.
   */
  static String nonFinite(float[] values, List<Path> images, int width) {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        int row = i / width;
        return "the feature of image " + (row < images.size() ? images.get(row) : "?") + " (row " + row + ") is "
            + values[i] + " at dimension " + (i % width);
      }
    }
    return null;
  }

  /** Returns the SHA-256 of the values as little-endian F32 bytes. */
  static String dataHash(float[] values) {
    MessageDigest digest = sha256();
    ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      if (!buffer.hasRemaining()) {
        digest.update(buffer.array(), 0, buffer.position());
        buffer.clear();
      }
      buffer.putFloat(v);
    }
    digest.update(buffer.array(), 0, buffer.position());
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void update(MessageDigest digest, String text) {
    digest.update(text.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "FeatureStore[%s, %s]", directory, counts());
  }
}
