package org.ckcoop.world.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.ckcoop.common.InputException;
import org.ckcoop.backbone.image.ImageDecoder;
import org.ckcoop.backbone.image.RgbImage;
import org.ckcoop.world.render.RenderStyle;
import org.ckcoop.world.render.Scene;
import org.ckcoop.world.render.SceneRenderer;
import org.ckcoop.world.render.SceneSampler;
import org.ckcoop.world.render.SplitMix64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The world's downstream datasets, written in CoOp's DATA layout so that they go through the same
 * readers, few-shot splits and protocols as real data:
 *
 * <pre>
 * &lt;root&gt;/world-manifest.json                      (written last: the world is complete when it exists)
 * &lt;root&gt;/world_objects/split_zhou_world_objects.json {"train": [["images/blue_arrow/00000.png", 0, "blue arrow"], ...], "val": [...], "test": [...]}
 * &lt;root&gt;/world_objects/images/blue_arrow/00000.png
 * ...
 * </pre>
 *
 * Read one with the {@code split-file} dataset: {@code dataset.root=<root>/world_objects},
 * {@code dataset.split_file=split_zhou_world_objects.json}, and {@code dataset.template} set to the
 * manifest's template.
 *
 * <p>Each dataset is generated into a hidden {@code .incomplete-...} folder and renamed into place
 * when complete; the manifest is written after all of them, so an interrupted generation is never
 * taken for a complete world. {@link #ensure(Path, long)} reuses a world whose manifest matches the
 * request and whose split files check out, regenerates datasets that are missing or changed, and
 * regenerates everything (saying why) when the seed, image size, generator version or recipes differ.
 *
 * <p>Images: example {@code j} of class {@code label} in part {@code p} of dataset {@code d} is the
 * scene drawn by a generator seeded from {@code (seed, stream(d/p), label * 2^32 + j)}; a domain
 * variant uses the stream of the dataset it is a variant of, so its test image {@code k} is the very
 * scene of that dataset's test image {@code k} in another style (a controlled domain shift).
 */
public final class WorldDatasets {
  /** The image size of the standard world (32 px). */
  public static final int IMAGE_SIZE = 32;
  /** The image folder inside each dataset's folder; split file paths start with it. */
  public static final String IMAGE_FOLDER = "images";

  private static final Logger LOG = LoggerFactory.getLogger(WorldDatasets.class);
  private static final String INCOMPLETE = ".incomplete-";
  private static final String REPLACED = ".replaced-";
  private static final String LOCK_FILE = ".world.lock";
  private static final String PHOTO = "a photo of a {}.";

  private WorldDatasets() {}

  /**
   * Returns the standard datasets.
   *
   * <ul>
   *   <li>{@code world_objects}: 64 "colour shape" classes, every image at night; 24 train, 6 val
   *       and 25 test images per class; base (blue, cyan, green, orange) and new (pink, purple, red,
   *       yellow) classes share no colour.
   *   <li>{@code world_shapes}: 8 shape classes of any colour, every image a pencil sketch; 40/10/60.
   *   <li>{@code world_patterns}: 8 background-pattern classes (DTD-like), photos of any object;
   *       40/10/60.
   *   <li>{@code world_objects_photo}, {@code world_objects_sketch}, {@code world_objects_pixelated}:
   *       test-only domain variants of {@code world_objects} (same classes and scenes, other style);
   *       25 test images per class.
   * </ul>
   *
   * Every default template is "a photo of a {}.", which fits none of the trainable datasets well:
   * see docs/world.md.
   */
  public static List<DatasetRecipe> standardRecipes() {
    PartCounts objects = new PartCounts(24, 6, 25);
    PartCounts small = new PartCounts(40, 10, 60);
    PartCounts variant = new PartCounts(0, 0, 25);
    Optional<String> none = Optional.empty();
    Optional<String> ofObjects = Optional.of("world_objects");
    return List.of(
        new DatasetRecipe("world_objects", ClassAxis.COLOUR_SHAPE, RenderStyle.NIGHT, PHOTO, DatasetRole.TRAIN, none,
            objects, "64 colour-shape classes, every image at night; base and new classes share no colour"),
        new DatasetRecipe("world_shapes", ClassAxis.SHAPE, RenderStyle.SKETCH, PHOTO, DatasetRole.TRAIN, none, small,
            "8 shape classes of any colour, every image a pencil sketch"),
        new DatasetRecipe("world_patterns", ClassAxis.PATTERN, RenderStyle.PHOTO, PHOTO, DatasetRole.TRAIN, none, small,
            "8 background-pattern classes (DTD-like), photos of any object"),
        new DatasetRecipe("world_objects_photo", ClassAxis.COLOUR_SHAPE, RenderStyle.PHOTO, PHOTO,
            DatasetRole.TEST_ONLY, ofObjects, variant, "world_objects' classes and test scenes as photos"),
        new DatasetRecipe("world_objects_sketch", ClassAxis.COLOUR_SHAPE, RenderStyle.SKETCH, PHOTO,
            DatasetRole.TEST_ONLY, ofObjects, variant, "world_objects' classes and test scenes as pencil sketches"),
        new DatasetRecipe("world_objects_pixelated", ClassAxis.COLOUR_SHAPE, RenderStyle.PIXELATED, PHOTO,
            DatasetRole.TEST_ONLY, ofObjects, variant, "world_objects' classes and test scenes pixelated and noisy"));
  }

  /**
   * Makes sure the standard world of {@code seed} (32 px images) is in {@code root}: generates it if
   * absent or incomplete, reuses it if its manifest matches, regenerates it if not.
   *
   * @return the manifest of the complete world
   * @throws UncheckedIOException if files cannot be written
   */
  public static WorldManifest ensure(Path root, long seed) {
    return ensure(root, seed, IMAGE_SIZE, standardRecipes());
  }

  /**
   * Makes sure the world of these recipes is in {@code root}, as {@link #ensure(Path, long)}.
   * Concurrent calls on one folder (threads or processes) wait for each other.
   *
   * @throws IllegalArgumentException if two recipes share a name, a variant names no earlier
   *     training recipe, or {@code imageSize < 8}
   * @throws UncheckedIOException if files cannot be written
   */
  public static WorldManifest ensure(Path root, long seed, int imageSize, List<DatasetRecipe> recipes) {
    checkRecipes(recipes);
    if (imageSize < 8) {
      throw new IllegalArgumentException("image size must be at least 8 pixels, got " + imageSize);
    }
    Path dir = root.toAbsolutePath().normalize();
    synchronized (WorldDatasets.class) {
      try {
        Files.createDirectories(dir);
        try (FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
          return ensureLocked(dir, seed, imageSize, recipes);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the world datasets in " + dir + ": " + e.getMessage(), e);
      }
    }
  }

  private static void checkRecipes(List<DatasetRecipe> recipes) {
    Set<String> names = new HashSet<>();
    Set<String> trainable = new HashSet<>();
    for (DatasetRecipe r : recipes) {
      if (!names.add(r.name())) {
        throw new IllegalArgumentException("two recipes are named '" + r.name() + "'");
      }
      if (r.variantOf().isPresent()) {
        if (!trainable.contains(r.variantOf().get())) {
          throw new IllegalArgumentException(r.name() + " is a variant of '" + r.variantOf().get()
              + "', which is not an earlier training dataset of the world");
        }
        DatasetRecipe source = recipes.stream().filter(s -> s.name().equals(r.variantOf().get())).findFirst()
            .orElseThrow();
        if (source.axis() != r.axis() || source.perClass().test() < r.perClass().test()) {
          throw new IllegalArgumentException(r.name() + " must have the classes of " + source.name()
              + " and no more test images per class");
        }
      }
      if (r.role() == DatasetRole.TRAIN) {
        trainable.add(r.name());
      }
    }
  }

  private static WorldManifest ensureLocked(Path root, long seed, int imageSize, List<DatasetRecipe> recipes)
      throws IOException {
    removeLeftovers(root);
    Optional<WorldManifest> existing = readIfPresent(root);
    if (existing.isPresent()) {
      WorldManifest old = existing.get();
      String difference = difference(old, seed, imageSize, recipes);
      if (difference == null) {
        List<String> broken = new ArrayList<>();
        for (WorldManifest.Dataset d : old.datasets()) {
          String problem = quickCheck(d);
          if (problem != null) {
            broken.add(d.name());
            LOG.warn("world dataset {} is incomplete or changed ({}); regenerating it", d.folder(), problem);
          }
        }
        if (broken.isEmpty()) {
          LOG.info("reusing the world in {} (seed {}, {})", root, seed, old.generator());
          return old;
        }
        Files.deleteIfExists(old.file());
        List<WorldManifest.Dataset> datasets = new ArrayList<>();
        for (int i = 0; i < recipes.size(); i++) {
          WorldManifest.Dataset recorded = old.datasets().get(i);
          if (!broken.contains(recorded.name())) {
            datasets.add(recorded);
            continue;
          }
          WorldManifest.Dataset made = generate(root, seed, imageSize, recipes.get(i));
          if (!made.contentSha256().equals(recorded.contentSha256())) {
            throw new IllegalStateException("regenerated " + made.name() + " differs from its manifest record ("
                + made.contentSha256() + " vs " + recorded.contentSha256() + "): the generator is not deterministic");
          }
          datasets.add(made);
        }
        WorldManifest manifest = new WorldManifest(root, WorldCorpus.GENERATOR_VERSION, seed, imageSize, datasets);
        manifest.write();
        return manifest;
      }
      LOG.info("the world in {} {}; regenerating it", root, difference);
      Files.deleteIfExists(old.file());
      Set<String> keep = new HashSet<>();
      recipes.forEach(r -> keep.add(r.name()));
      for (WorldManifest.Dataset d : old.datasets()) {
        if (!keep.contains(d.name()) && root.equals(d.folder().getParent())) {
          WorldFiles.deleteRecursively(d.folder());
        }
      }
    } else {
      LOG.info("generating the world (seed {}, {}, {} px) in {}", seed, WorldCorpus.GENERATOR_VERSION, imageSize,
          root);
    }
    long start = System.nanoTime();
    List<WorldManifest.Dataset> datasets = new ArrayList<>();
    for (DatasetRecipe recipe : recipes) {
      datasets.add(generate(root, seed, imageSize, recipe));
    }
    WorldManifest manifest = new WorldManifest(root, WorldCorpus.GENERATOR_VERSION, seed, imageSize, datasets);
    manifest.write();
    int images = datasets.stream().mapToInt(d -> d.counts().total()).sum();
    LOG.info("generated {} world datasets ({} images) in {}", datasets.size(), images,
        String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - start) / 1e9));
    return manifest;
  }

  private static Optional<WorldManifest> readIfPresent(Path root) {
    if (!Files.exists(root.resolve(WorldManifest.FILE_NAME))) {
      return Optional.empty();
    }
    try {
      return Optional.of(WorldManifest.read(root));
    } catch (InputException e) {
      LOG.warn("ignoring an unreadable world manifest: {}", e.getMessage());
      return Optional.empty();
    }
  }

  /** Returns why an existing world is not the requested one, or null if it is. */
  private static String difference(WorldManifest old, long seed, int imageSize, List<DatasetRecipe> recipes) {
    if (!old.generator().equals(WorldCorpus.GENERATOR_VERSION)) {
      return "was made by generator " + old.generator() + ", this is " + WorldCorpus.GENERATOR_VERSION;
    }
    if (old.seed() != seed) {
      return "has seed " + old.seed() + ", " + seed + " is requested";
    }
    if (old.imageSize() != imageSize) {
      return "has " + old.imageSize() + " px images, " + imageSize + " px are requested";
    }
    if (old.datasets().size() != recipes.size()) {
      return "has " + old.datasets().size() + " datasets, " + recipes.size() + " are requested";
    }
    for (int i = 0; i < recipes.size(); i++) {
      DatasetRecipe r = recipes.get(i);
      WorldManifest.Dataset d = old.datasets().get(i);
      boolean same = d.name().equals(r.name()) && d.axis() == r.axis() && d.style() == r.style()
          && d.template().equals(r.template()) && d.role() == r.role() && d.variantOf().equals(r.variantOf())
          && d.perClass().equals(r.perClass()) && d.description().equals(r.description())
          && d.classNames().equals(r.classNames())
          && d.folder().equals(old.root().resolve(r.name()))
          && d.splitFile().equals(d.folder().resolve(r.splitFileName()));
      if (!same) {
        return "has dataset " + d.name() + " made differently from the requested " + r.name();
      }
    }
    return null;
  }

  /** Returns what is wrong with a generated dataset on disk (cheap checks), or null. */
  private static String quickCheck(WorldManifest.Dataset d) throws IOException {
    if (!Files.isDirectory(d.folder())) {
      return "folder missing";
    }
    if (!Files.isRegularFile(d.splitFile())) {
      return "split file missing";
    }
    if (!WorldFiles.sha256(d.splitFile()).equals(d.splitSha256())) {
      return "split file changed";
    }
    int missing = 0;
    for (Entry e : entries(d.classNames(), d.perClass())) {
      if (!Files.isRegularFile(d.folder().resolve(e.path()))) {
        missing++;
      }
    }
    return missing == 0 ? null : missing + " image(s) missing";
  }

  /** One image of a dataset: its part, label, index within the class and part, and relative path. */
  record Entry(DatasetPart part, int label, int index, String path) {}

  /** Returns the entries of a dataset in split file order (part, then label, then index). */
  static List<Entry> entries(List<String> classNames, PartCounts perClass) {
    List<Entry> entries = new ArrayList<>(perClass.total() * classNames.size());
    for (DatasetPart part : DatasetPart.values()) {
      int offset = switch (part) {
        case TRAIN -> 0;
        case VAL -> perClass.train();
        case TEST -> perClass.train() + perClass.val();
      };
      for (int label = 0; label < classNames.size(); label++) {
        String folder = ClassAxis.folderOf(classNames.get(label));
        for (int j = 0; j < perClass.of(part); j++) {
          String path = String.format(Locale.ROOT, "%s/%s/%05d.png", IMAGE_FOLDER, folder, offset + j);
          entries.add(new Entry(part, label, j, path));
        }
      }
    }
    return entries;
  }

  /** Returns the split JSON of a dataset's entries, in CoOp's split_zhou format. */
  static String splitJson(List<String> classNames, List<Entry> entries) {
    StringBuilder sb = new StringBuilder("{\n");
    for (DatasetPart part : DatasetPart.values()) {
      sb.append("  \"").append(part.key()).append("\": [");
      boolean first = true;
      for (Entry e : entries) {
        if (e.part() != part) {
          continue;
        }
        sb.append(first ? "\n" : ",\n");
        first = false;
        sb.append("    [").append(quote(e.path())).append(", ").append(e.label()).append(", ")
            .append(quote(classNames.get(e.label()))).append(']');
      }
      sb.append(first ? "]" : "\n  ]").append(part == DatasetPart.TEST ? "\n" : ",\n");
    }
    return sb.append("}\n").toString();
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7E) {
        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  /**
   * Returns the scene of one image of a dataset.
   *
   * @param part the part the image is in
   * @param label its class
   * @param index its index among the images of its class in that part
   */
  public static Scene scene(long seed, DatasetRecipe recipe, DatasetPart part, int label, int index) {
    Objects.checkIndex(label, recipe.axis().size());
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, got " + index);
    }
    long stream = SplitMix64.streamOf(recipe.variantOf().orElse(recipe.name()) + "/" + part.key());
    return SceneSampler.sample(SplitMix64.forExample(seed, stream, (long) label << 32 | index), recipe.request(label));
  }

  /** Generates one dataset into a temporary folder and renames it into place; returns its record. */
  static WorldManifest.Dataset generate(Path root, long seed, int imageSize, DatasetRecipe recipe) throws IOException {
    long start = System.nanoTime();
    Path target = root.resolve(recipe.name());
    Path tmp = root.resolve(INCOMPLETE + recipe.name() + "-" + Long.toHexString(System.nanoTime()));
    List<String> classNames = recipe.classNames();
    List<Entry> entries = entries(classNames, recipe.perClass());
    String json = splitJson(classNames, entries);
    byte[] jsonBytes = json.getBytes(StandardCharsets.UTF_8);
    MessageDigest content = WorldFiles.sha256();
    content.update(jsonBytes);
    MessageDigest splitDigest = WorldFiles.sha256();
    splitDigest.update(jsonBytes);
    try {
      for (String name : classNames) {
        Files.createDirectories(tmp.resolve(IMAGE_FOLDER).resolve(ClassAxis.folderOf(name)));
      }
      // images are independent: render and write them on every core, then hash them in split order
      RgbImage[] images = new RgbImage[entries.size()];
      try {
        IntStream.range(0, entries.size()).parallel().forEach(k -> {
          Entry e = entries.get(k);
          images[k] = SceneRenderer.render(scene(seed, recipe, e.part(), e.label(), e.index()), imageSize);
          try {
            Files.write(tmp.resolve(e.path()), PngEncoder.encode(images[k]));
          } catch (IOException ex) {
            throw new UncheckedIOException(ex);
          }
        });
      } catch (UncheckedIOException ex) {
        throw ex.getCause();
      }
      for (RgbImage image : images) {
        content.update(image.toByteArray());
      }
      Files.write(tmp.resolve(recipe.splitFileName()), jsonBytes);
      if (Files.exists(target)) {
        Path replaced = root.resolve(REPLACED + recipe.name() + "-" + Long.toHexString(System.nanoTime()));
        WorldFiles.moveFolder(target, replaced);
        WorldFiles.moveFolder(tmp, target);
        WorldFiles.deleteRecursively(replaced);
      } else {
        WorldFiles.moveFolder(tmp, target);
      }
    } finally {
      WorldFiles.deleteRecursively(tmp);
    }
    LOG.info("wrote {} ({} classes, {} images) in {}", target, classNames.size(), entries.size(),
        String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - start) / 1e9));
    return new WorldManifest.Dataset(recipe.name(), target, target.resolve(recipe.splitFileName()), recipe.role(),
        recipe.variantOf(), recipe.style(), recipe.axis(), recipe.template(), recipe.description(), classNames,
        recipe.perClass(), WorldFiles.hex(splitDigest), WorldFiles.hex(content));
  }

  private static void removeLeftovers(Path root) throws IOException {
    try (DirectoryStream<Path> children = Files.newDirectoryStream(root)) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        if (name.startsWith(INCOMPLETE) || name.startsWith(REPLACED)) {
          LOG.info("removing {}, left over from an interrupted generation", child);
          WorldFiles.deleteRecursively(child);
        }
      }
    }
  }

  /**
   * Checks a generated world in full: every split file's hash, and every image decoded from its PNG
   * and hashed with the split file into the dataset's content hash.
   *
   * @throws InputException naming the dataset and what differs
   */
  public static void verify(WorldManifest manifest) {
    for (WorldManifest.Dataset d : manifest.datasets()) {
      try {
        String problem = quickCheck(d);
        if (problem != null) {
          throw new InputException(d.folder(), problem + " (regenerate the world)");
        }
        MessageDigest content = WorldFiles.sha256();
        content.update(Files.readAllBytes(d.splitFile()));
        for (Entry e : entries(d.classNames(), d.perClass())) {
          Path file = d.folder().resolve(e.path());
          RgbImage image = ImageDecoder.read(file);
          if (image.width() != manifest.imageSize() || image.height() != manifest.imageSize()) {
            throw new InputException(file, "is " + image.width() + "x" + image.height() + ", expected "
                + manifest.imageSize() + "x" + manifest.imageSize());
          }
          content.update(image.toByteArray());
        }
        String hash = WorldFiles.hex(content);
        if (!hash.equals(d.contentSha256())) {
          throw new InputException(d.folder(), "content hash " + hash + " differs from the manifest's "
              + d.contentSha256() + " (an image was changed; regenerate the world)");
        }
      } catch (IOException e) {
        throw new InputException(d.folder(), "cannot read: " + e.getMessage(), e);
      }
    }
  }
}
