package org.ckcoop.world.dataset;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.ckcoop.common.InputException;
import org.ckcoop.world.render.RenderStyle;

/**
 * The record of a generated world, {@code world-manifest.json} in the world's folder: the seed, the
 * generator version, the image size, and per dataset where it is, what it holds and the hashes that
 * identify it. A world folder is complete exactly when its manifest exists (it is written last and
 * atomically), so a reader that finds one can trust the datasets it lists.
 *
 * @param root the world's folder
 * @param generator the generator version ({@link WorldCorpus#GENERATOR_VERSION} when written)
 * @param seed the world seed
 * @param imageSize the side of every image in pixels
 * @param datasets the datasets, in generation order
 */
public record WorldManifest(Path root, String generator, long seed, int imageSize, List<Dataset> datasets) {
  /** The manifest's file name inside the world folder. */
  public static final String FILE_NAME = "world-manifest.json";
  /** The value of the manifest's {@code format} key. */
  public static final String FORMAT = "ckcoop-world-manifest/1";

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter()
      .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
      .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"))
      .withObjectIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"));

  /** Normalises the root and copies the list. */
  public WorldManifest {
    root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    Objects.requireNonNull(generator, "generator");
    datasets = List.copyOf(datasets);
  }

  /**
   * One dataset of the world.
   *
   * @param name the dataset's name (also its folder's name)
   * @param folder the dataset's folder: give it as {@code dataset.root} to the {@code split-file} reader
   * @param splitFile the split JSON in CoOp's {@code split_zhou} format ({@code dataset.split_file});
   *     its image paths are relative to {@code folder}
   * @param role whether it has train and val parts
   * @param variantOf for a domain variant, the dataset whose classes it shares
   * @param style the style of all its images
   * @param axis its label space
   * @param template its default zero-shot template
   * @param description one line describing it
   * @param classNames class names in label order (sorted)
   * @param perClass images per class in each part
   * @param splitSha256 SHA-256 of the split file's bytes
   * @param contentSha256 SHA-256 of the split file's bytes followed by the RGB bytes of every image in
   *     split order (train, val, test): identical on every machine for the same seed and version
   */
  public record Dataset(String name, Path folder, Path splitFile, DatasetRole role, Optional<String> variantOf,
      RenderStyle style, ClassAxis axis, String template, String description, List<String> classNames,
      PartCounts perClass, String splitSha256, String contentSha256) {

    /** Checks presence and copies the class list. */
    public Dataset {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(folder, "folder");
      Objects.requireNonNull(splitFile, "splitFile");
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(variantOf, "variantOf");
      Objects.requireNonNull(style, "style");
      Objects.requireNonNull(axis, "axis");
      Objects.requireNonNull(template, "template");
      Objects.requireNonNull(description, "description");
      classNames = List.copyOf(classNames);
      Objects.requireNonNull(perClass, "perClass");
      Objects.requireNonNull(splitSha256, "splitSha256");
      Objects.requireNonNull(contentSha256, "contentSha256");
    }

    /** Returns true for a dataset with only a test part. */
    public boolean testOnly() {
      return role == DatasetRole.TEST_ONLY;
    }

    /** Returns the number of images in each part. */
    public PartCounts counts() {
      return perClass.times(classNames.size());
    }

    /** Returns the base classes: the first {@code ceil(n/2)} class names. */
    public List<String> baseClasses() {
      return classNames.subList(0, (classNames.size() + 1) / 2);
    }

    /** Returns the new classes: the class names after the base ones. */
    public List<String> newClasses() {
      return classNames.subList((classNames.size() + 1) / 2, classNames.size());
    }

    /** Returns the zero-shot prompt of every class, in label order. */
    public List<String> prompts() {
      return classNames.stream().map(c -> template.replace("{}", c)).toList();
    }
  }

  /** Returns the file this manifest is stored in. */
  public Path file() {
    return root.resolve(FILE_NAME);
  }

  /**
   * Returns a dataset by name.
   *
   * @throws IllegalArgumentException naming the known datasets if there is none of that name
   */
  public Dataset dataset(String name) {
    for (Dataset d : datasets) {
      if (d.name().equals(name)) {
        return d;
      }
    }
    throw new IllegalArgumentException("the world at " + root + " has no dataset '" + name + "' (it has "
        + String.join(", ", datasets.stream().map(Dataset::name).toList()) + ")");
  }

  /** Returns the domain variants of a dataset (the test-only datasets with its classes). */
  public List<Dataset> variantsOf(String name) {
    return datasets.stream().filter(d -> d.variantOf().equals(Optional.of(name))).toList();
  }

  /** Returns the manifest as JSON text (two-space indented, keys in a fixed order). */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("generator", generator);
    root.put("seed", seed);
    root.put("image_size", imageSize);
    ArrayNode list = root.putArray("datasets");
    for (Dataset d : datasets) {
      ObjectNode o = list.addObject();
      o.put("name", d.name());
      o.put("folder", this.root.relativize(d.folder()).toString().replace('\\', '/'));
      o.put("split_file", d.folder().relativize(d.splitFile()).toString().replace('\\', '/'));
      o.put("role", d.role().key());
      if (d.variantOf().isPresent()) {
        o.put("variant_of", d.variantOf().get());
      } else {
        o.putNull("variant_of");
      }
      o.put("style", d.style().word());
      o.put("class_axis", d.axis().key());
      o.put("template", d.template());
      o.put("description", d.description());
      ArrayNode classes = o.putArray("classes");
      d.classNames().forEach(classes::add);
      o.put("base_count", d.baseClasses().size());
      ObjectNode per = o.putObject("per_class");
      per.put("train", d.perClass().train());
      per.put("val", d.perClass().val());
      per.put("test", d.perClass().test());
      ObjectNode counts = o.putObject("counts");
      counts.put("train", d.counts().train());
      counts.put("val", d.counts().val());
      counts.put("test", d.counts().test());
      o.put("split_sha256", d.splitSha256());
      o.put("content_sha256", d.contentSha256());
    }
    try {
      return JSON.writer(PRETTY).writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the manifest as JSON", e);
    }
  }

  /** Writes the manifest to {@link #file()} atomically (a temporary file renamed into place). */
  void write() throws IOException {
    Path tmp = root.resolve(FILE_NAME + ".tmp");
    Files.writeString(tmp, toJson(), StandardCharsets.UTF_8);
    WorldFiles.moveIntoPlace(tmp, file());
  }

  /**
   * Reads the manifest of the world in {@code root}.
   *
   * @throws InputException naming the file and key if it is missing or malformed
   */
  public static WorldManifest read(Path root) {
    Path file = root.toAbsolutePath().normalize().resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw new InputException(file, "no such file (expected the manifest of a generated world)");
    }
    JsonNode node;
    try {
      node = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new InputException(file, "is not valid JSON: " + e.getMessage(), e);
    }
    Fields top = new Fields(file, "", node);
    String format = top.text("format");
    if (!FORMAT.equals(format)) {
      throw new InputException(file + " key format", "is '" + format + "', expected '" + FORMAT + "'");
    }
    String generator = top.text("generator");
    long seed = top.integer("seed");
    int imageSize = (int) top.integer("image_size");
    JsonNode list = top.get("datasets");
    if (!list.isArray()) {
      throw new InputException(file + " key datasets", "expected a list of datasets");
    }
    Path base = file.getParent();
    List<Dataset> datasets = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Fields f = new Fields(file, "datasets[" + i + "].", list.get(i));
      try {
        String name = f.text("name");
        Path folder = base.resolve(f.text("folder")).normalize();
        Path split = folder.resolve(f.text("split_file")).normalize();
        if (!folder.startsWith(base) || !split.startsWith(folder)) {
          throw new InputException(file + " key datasets[" + i + "]", "folder or split_file leaves the world folder");
        }
        JsonNode variant = f.get("variant_of");
        Optional<String> variantOf = variant.isNull() ? Optional.empty() : Optional.of(variant.asText());
        RenderStyle style = style(f.text("style"));
        List<String> classes = new ArrayList<>();
        JsonNode cl = f.get("classes");
        if (!cl.isArray() || cl.isEmpty()) {
          throw new InputException(file + " key datasets[" + i + "].classes", "expected a non-empty list of class names");
        }
        cl.forEach(c -> classes.add(c.asText()));
        Fields per = new Fields(file, "datasets[" + i + "].per_class.", f.get("per_class"));
        PartCounts perClass = new PartCounts((int) per.integer("train"), (int) per.integer("val"),
            (int) per.integer("test"));
        datasets.add(new Dataset(name, folder, split, DatasetRole.ofKey(f.text("role")), variantOf, style,
            ClassAxis.ofKey(f.text("class_axis")), f.text("template"), f.text("description"), classes, perClass,
            f.text("split_sha256"), f.text("content_sha256")));
      } catch (IllegalArgumentException e) {
        throw new InputException(file + " key datasets[" + i + "]", e.getMessage(), e);
      }
    }
    return new WorldManifest(base, generator, seed, imageSize, datasets);
  }

  private static RenderStyle style(String word) {
    for (RenderStyle s : RenderStyle.values()) {
      if (s.word().equals(word)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown style '" + word + "'");
  }

  /** Required keys of one JSON object, with messages naming the file and key. */
  private record Fields(Path file, String prefix, JsonNode node) {
    JsonNode get(String key) {
      JsonNode v = node == null ? null : node.get(key);
      if (v == null) {
        throw new InputException(file + " key " + prefix + key, "is missing");
      }
      return v;
    }

    String text(String key) {
      JsonNode v = get(key);
      if (!v.isTextual()) {
        throw new InputException(file + " key " + prefix + key, "expected a string, got " + v);
      }
      return v.textValue();
    }

    long integer(String key) {
      JsonNode v = get(key);
      if (!v.isIntegralNumber() || !v.canConvertToLong()) {
        throw new InputException(file + " key " + prefix + key, "expected an integer, got " + v);
      }
      return v.longValue();
    }
  }
}
