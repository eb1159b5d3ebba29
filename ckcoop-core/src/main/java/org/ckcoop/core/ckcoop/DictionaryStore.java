package org.ckcoop.core.ckcoop;

import ai.djl.ndarray.NDManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.common.InputException;
import org.ckcoop.backbone.safetensors.SafetensorsException;
import org.ckcoop.backbone.safetensors.SafetensorsFile;
import org.ckcoop.backbone.safetensors.SafetensorsWriter;
import org.ckcoop.backbone.safetensors.StorageType;
import org.ckcoop.dictionary.KMeans;
import org.ckcoop.dictionary.KMeansOptions;
import org.ckcoop.dictionary.KMeansProgress;
import org.ckcoop.dictionary.QuantizedDictionary;
import org.ckcoop.core.learner.LearnerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quantized dictionaries of backbones, cached on disk so that every run with the same backbone
 * and k-means options reuses one dictionary instead of recomputing it. Files live in
 * {@code <cache>/dictionaries/} (cache: the study's {@code study.cache}, else {@code CKCOOP_CACHE}, else
 * the system property {@code ckcoop.cache}, else {@code ~/.cache/ckcoop}), named by a hash of the backbone identity and the
 * options; their metadata is checked on every read and a corrupt or mismatching file is recomputed,
 * never used.
 */
public final class DictionaryStore {
  private static final Logger LOG = LoggerFactory.getLogger(DictionaryStore.class);

  private final Path directory;

  /** Creates a store in {@code directory}. */
  public DictionaryStore(Path directory) {
    this.directory = directory;
  }

  /** Returns the store in the default cache folder (no study: {@link LearnerContext#cacheDirectory()}). */
  public static DictionaryStore inCache() {
    return in(LearnerContext.defaultCacheDirectory());
  }

  /** Returns the store under {@code cache}: {@code <cache>/dictionaries/}. */
  public static DictionaryStore in(Path cache) {
    return new DictionaryStore(cache.resolve("dictionaries"));
  }

  /**
   * A dictionary: D_com [k, width] row-major and where it came from.
   *
   * @param centroids D_com, row-major
   * @param k rows
   * @param width columns
   * @param provenance backbone identity, options, inertia, iterations, convergence, table hash
   * @param file the cache file it is stored in
   * @param cached whether it was read from the cache rather than computed now
   */
  public record Dictionary(float[] centroids, int k, int width, Map<String, String> provenance, Path file, boolean cached) {}

  /** Returns the cache file for a backbone and options. */
  public Path fileFor(String backboneIdentity, KMeansOptions options) {
    return directory.resolve("dcom-" + sha256(backboneIdentity + "|" + options.cacheKey()).substring(0, 24) + ".safetensors");
  }

  /** Returns the dictionary of {@code backbone} for {@code options}, from the cache or computed and stored. */
  public Dictionary get(ClipBackbone backbone, KMeansOptions options) {
    return get(backbone, options, null);
  }

  /** As {@link #get(ClipBackbone, KMeansOptions)}, reporting k-means progress when it runs. */
  public Dictionary get(ClipBackbone backbone, KMeansOptions options, KMeansProgress progress) {
    Path file = fileFor(backbone.identity(), options);
    if (Files.isRegularFile(file)) {
      try (SafetensorsFile f = SafetensorsFile.open(file)) {
        Map<String, String> meta = f.metadata();
        long[] shape = f.entry("dictionary").shape();
        if (backbone.identity().equals(meta.get("backbone_identity")) && options.cacheKey().equals(meta.get("options"))
            && shape.length == 2 && shape[0] == options.k() && shape[1] == backbone.architecture().text().width()) {
          return new Dictionary(f.readFloats("dictionary"), options.k(), (int) shape[1], meta, file, true);
        }
        LOG.warn("{} does not match this backbone and these options; recomputing it", file);
      } catch (SafetensorsException e) {
        LOG.warn("{} is unreadable ({}); recomputing it", file, e.problem());
      }
    }
    long start = System.nanoTime();
    int rows = backbone.architecture().vocabSize();
    int width = backbone.architecture().text().width();
    float[] table;
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      table = backbone.tokenEmbeddingTable(m).toFloatArray();
    }
    QuantizedDictionary d;
    try {
      d = progress == null ? new KMeans(options).fit(table, rows, width) : new KMeans(options).fit(table, rows, width, progress);
    } catch (IllegalArgumentException e) {
      throw new InputException("learner.ckcoop", e.getMessage(), e);
    }
    Map<String, String> meta = Map.of(
        "format", "ckcoop-dictionary/1",
        "backbone_identity", backbone.identity(),
        "options", options.cacheKey(),
        "table_sha256", d.tableSha256(),
        "inertia", Double.toString(d.inertia()),
        "iterations", Integer.toString(d.iterations()),
        "converged", Boolean.toString(d.converged()),
        "seconds", String.format(Locale.ROOT, "%.2f", (System.nanoTime() - start) / 1e9));
    new SafetensorsWriter().putAllMetadata(new java.util.TreeMap<>(meta))
        .addFloats("dictionary", d.centroids(), new long[] {d.k(), width}, StorageType.F32)
        .write(file);
    LOG.info("built a {}-entry dictionary in {} s ({} iterations, inertia {}), cached at {}", d.k(), meta.get("seconds"),
        d.iterations(), d.inertia(), file);
    return new Dictionary(d.centroids(), d.k(), width, meta, file, false);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
