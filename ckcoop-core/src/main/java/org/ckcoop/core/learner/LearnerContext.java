package org.ckcoop.core.learner;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.ckcoop.backbone.ClipBackbone;

/**
 * What a learner is built from: the frozen backbone, the class names, the learner's typed settings,
 * the dataset's hand-crafted prompt template, and a seed for any random initialisation (drawn in
 * Java, so it is identical on every engine and device).
 *
 * @param backbone the frozen CLIP
 * @param classNames class names in label order ({@code _} is replaced by a space when prompts are built)
 * @param settings the learner's bound settings record ({@code learner.<name>.*})
 * @param template the dataset's zero-shot template with {@code {}} for the class name, e.g.
 *     {@code "a photo of a {}."}
 * @param seed the seed of the learner's random initialisation
 * @param cache the folder for what a learner caches across runs (CK-CoOp's dictionaries): the study's
 *     {@code study.cache}, or null for the default ({@link #cacheDirectory()})
 */
public record LearnerContext(
    ClipBackbone backbone, List<String> classNames, Record settings, String template, long seed, Path cache) {

  /** The template used when a dataset gives none. */
  public static final String DEFAULT_TEMPLATE = "a photo of a {}.";

  /** Copies the class names and checks the template has a {@code {}} slot. */
  public LearnerContext {
    classNames = List.copyOf(classNames);
    if (classNames.isEmpty()) {
      throw new IllegalArgumentException("a learner needs at least one class name");
    }
    if (!template.contains("{}")) {
      throw new IllegalArgumentException("prompt template '" + template + "' has no {} for the class name");
    }
  }

  /** A context with the default cache folder. */
  public LearnerContext(ClipBackbone backbone, List<String> classNames, Record settings, String template, long seed) {
    this(backbone, classNames, settings, template, seed, null);
  }

  /**
   * Returns the folder for what a learner caches across runs: {@link #cache()} when the study gives
   * one, else {@code CKCOOP_CACHE}, else the system property {@code ckcoop.cache}, else
   * {@code ~/.cache/ckcoop}.
   */
  public Path cacheDirectory() {
    return cache != null ? cache : defaultCacheDirectory();
  }

  /** Returns the cache folder without a study: {@code CKCOOP_CACHE}, {@code ckcoop.cache}, or {@code ~/.cache/ckcoop}. */
  public static Path defaultCacheDirectory() {
    String env = System.getenv("CKCOOP_CACHE");
    String property = System.getProperty("ckcoop.cache");
    return env != null && !env.isBlank() ? Path.of(env)
        : property != null && !property.isBlank() ? Path.of(property)
        : Path.of(System.getProperty("user.home"), ".cache", "ckcoop");
  }

  /** Returns the settings as their record type. */
  public <T extends Record> T settings(Class<T> type) {
    if (!type.isInstance(settings)) {
      throw new IllegalStateException("settings are " + settings.getClass().getName() + ", not " + type.getName());
    }
    return type.cast(settings);
  }

  /** Returns a fresh random generator for initialisation, seeded from {@link #seed()}. */
  public SplittableRandom random() {
    return new SplittableRandom(seed);
  }
}
