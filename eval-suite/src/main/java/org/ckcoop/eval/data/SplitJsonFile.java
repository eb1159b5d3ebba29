package org.ckcoop.eval.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a split file in the {@code split_zhou_<Name>.json} format of CoOp: a JSON object whose
 * {@code "train"}, {@code "val"} and {@code "test"} lists hold {@code [relative_image_path, label,
 * class_name]} entries (a fourth element, the domain, is allowed), paths relative to the dataset's
 * image folder, labels 0-based. Checks the format, the labels and class names, and that the images
 * exist, and returns the dataset.
 */
final class SplitJsonFile {
  private static final Logger LOG = LoggerFactory.getLogger(SplitJsonFile.class);
  static final String ENTRY_FORM = "[relative_image_path, label, class_name]";
  private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /** How a split file is read. */
  record Spec(String name, Path file, Path home, Path imageRoot, ZeroShotTemplate template,
      ClassNameCleaning cleaning, boolean allPartsRequired) {}

  private record Entry(SplitPart part, int index, String path, int label, String className, Optional<String> domain) {
    String where(Path file) {
      return file + " entry " + part.key() + "[" + index + "]";
    }
  }

  private SplitJsonFile() {}

  /** Parses a split file's JSON, naming the file and position of a syntax error. */
  static JsonNode parse(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      String at = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      String detail = e.getOriginalMessage().replaceAll("\\[Source: [^;\\]]*; ", "[");
      throw new DatasetException(file, "is not valid JSON" + at + ": " + detail, e);
    } catch (IOException e) {
      throw new DatasetException(file, "cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * Reads and checks a split file.
   *
   * @throws DatasetException if the file is missing or malformed, or entries are inconsistent
   * @throws MissingImagesException if listed images are not on disk
   */
  static DatasetSplits read(Spec spec) {
    Path file = spec.file();
    ImageFiles.requireFile(file, "a split file of " + spec.name() + " with \"train\", \"val\" and \"test\" lists of "
        + ENTRY_FORM + " entries");
    JsonNode root = parse(file);
    if (!root.isObject()) {
      throw new DatasetException(file, "expected a JSON object with \"train\", \"val\" and \"test\" lists of "
          + ENTRY_FORM + " entries, got " + kind(root));
    }
    Map<SplitPart, List<Entry>> parts = new EnumMap<>(SplitPart.class);
    Map<String, String> renamed = new LinkedHashMap<>();
    for (SplitPart part : SplitPart.values()) {
      JsonNode list = root.get(part.key());
      boolean required = spec.allPartsRequired() || part == SplitPart.TEST;
      if (list == null || (list.isNull() && !required)) {
        if (required) {
          throw new DatasetException(file, "has no \"" + part.key() + "\" list; expected a JSON object with \"train\", "
              + "\"val\" and \"test\" lists of " + ENTRY_FORM + " entries");
        }
        parts.put(part, List.of());
        continue;
      }
      if (!list.isArray()) {
        throw new DatasetException(file, "\"" + part.key() + "\" must be a list of " + ENTRY_FORM + " entries, got "
            + kind(list));
      }
      List<Entry> entries = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        entries.add(entry(file, part, i, list.get(i), spec.cleaning(), renamed));
      }
      parts.put(part, entries);
    }
    if (!renamed.isEmpty()) {
      Map.Entry<String, String> first = renamed.entrySet().iterator().next();
      LOG.warn("{}: {} class name(s) are not cleaned as CoOp cleans {}'s names; using the cleaned names (e.g. '{}' -> '{}')",
          file, renamed.size(), spec.name(), first.getKey(), first.getValue());
    }
    List<String> classNames = checkLabels(file, parts);
    return build(spec, parts, classNames);
  }

  private static Entry entry(Path file, SplitPart part, int index, JsonNode node, ClassNameCleaning cleaning,
      Map<String, String> renamed) {
    String where = file + " entry " + part.key() + "[" + index + "]";
    if (!node.isArray() || node.size() < 3 || node.size() > 4) {
      throw new DatasetException(where, "expected " + ENTRY_FORM + ", got " + abbreviate(node));
    }
    if (!node.get(0).isTextual()) {
      throw new DatasetException(where, "the image path (first element) must be a string, got " + abbreviate(node.get(0))
          + "; expected " + ENTRY_FORM);
    }
    JsonNode label = node.get(1);
    if (!label.isIntegralNumber() || !label.canConvertToInt() || label.intValue() < 0) {
      throw new DatasetException(where, "the label (second element) must be an integer >= 0, got " + abbreviate(label)
          + "; expected " + ENTRY_FORM);
    }
    if (!node.get(2).isTextual() || node.get(2).textValue().isBlank()) {
      throw new DatasetException(where, "the class name (third element) must be a non-blank string, got "
          + abbreviate(node.get(2)) + "; expected " + ENTRY_FORM);
    }
    Optional<String> domain = Optional.empty();
    if (node.size() == 4) {
      if (!node.get(3).isTextual() || node.get(3).textValue().isBlank()) {
        throw new DatasetException(where, "the domain (fourth element) must be a non-blank string, got "
            + abbreviate(node.get(3)));
      }
      domain = Optional.of(node.get(3).textValue());
    }
    String raw = node.get(2).textValue();
    String cleaned = cleaning.clean(raw);
    if (!cleaned.equals(raw)) {
      renamed.putIfAbsent(raw, cleaned);
    }
    return new Entry(part, index, node.get(0).textValue(), label.intValue(), cleaned, domain);
  }

  /** Checks labels and class names across all parts; returns the class names in label order. */
  private static List<String> checkLabels(Path file, Map<SplitPart, List<Entry>> parts) {
    Map<Integer, Entry> firstOfLabel = new HashMap<>();
    for (SplitPart part : SplitPart.values()) {
      for (Entry e : parts.get(part)) {
        Entry first = firstOfLabel.putIfAbsent(e.label(), e);
        if (first != null && !first.className().equals(e.className())) {
          throw new DatasetException(e.where(file), "label " + e.label() + " is class '" + e.className()
              + "' here but '" + first.className() + "' at " + first.part().key() + "[" + first.index() + "]");
        }
      }
    }
    List<Entry> train = parts.get(SplitPart.TRAIN);
    if (!train.isEmpty()) {
      Set<Integer> trainLabels = new HashSet<>();
      train.forEach(e -> trainLabels.add(e.label()));
      for (SplitPart part : List.of(SplitPart.VAL, SplitPart.TEST)) {
        for (Entry e : parts.get(part)) {
          if (!trainLabels.contains(e.label())) {
            throw new DatasetException(e.where(file), "unknown class: label " + e.label() + " ('" + e.className()
                + "') does not occur in \"train\"; every val and test class must be a training class");
          }
        }
      }
    }
    TreeMap<Integer, Entry> byLabel = new TreeMap<>(firstOfLabel);
    if (byLabel.isEmpty()) {
      throw new DatasetException(file, "has no entries; expected " + ENTRY_FORM + " entries in \"train\", \"val\" and \"test\"");
    }
    int max = byLabel.lastKey();
    for (int label = 0; label <= max; label++) {
      if (!byLabel.containsKey(label)) {
        throw new DatasetException(file, "labels run from 0 to " + max + " but no entry has label " + label
            + ", so the labels do not match a class list; labels must be 0..n-1 with every class present");
      }
    }
    return byLabel.values().stream().map(Entry::className).toList();
  }

  private static DatasetSplits build(Spec spec, Map<SplitPart, List<Entry>> parts, List<String> classNames) {
    Path imageRoot = spec.imageRoot().toAbsolutePath().normalize();
    ImageFiles.requireFolder(imageRoot, "the image folder of " + spec.name() + " that " + spec.file().getFileName()
        + " lists paths in");
    List<String> relative = new ArrayList<>();
    List<Path> resolved = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    List<String> duplicates = new ArrayList<>();
    for (SplitPart part : SplitPart.values()) {
      for (Entry e : parts.get(part)) {
        relative.add(e.path());
        resolved.add(ImageFiles.resolve(imageRoot, e.path(), e.where(spec.file())));
        String here = part.key() + "[" + e.index() + "]";
        String before = seen.putIfAbsent(e.path(), here);
        if (before != null && duplicates.size() < 3) {
          duplicates.add("'" + e.path() + "' at " + before + " and " + here);
        }
      }
    }
    if (!duplicates.isEmpty()) {
      LOG.warn("{}: some images are listed more than once: {}", spec.file(), String.join("; ", duplicates));
    }
    ImageFiles.requireExisting(spec.file(), imageRoot, relative, resolved);
    DatasetSplits.Builder builder = DatasetSplits.builder(spec.name()).home(spec.home()).imageRoot(imageRoot)
        .classNames(classNames).template(spec.template());
    int k = 0;
    for (SplitPart part : SplitPart.values()) {
      List<Datum> data = new ArrayList<>(parts.get(part).size());
      for (Entry e : parts.get(part)) {
        data.add(new Datum(resolved.get(k++), e.label(), e.className(), e.domain()));
      }
      builder.part(part, data);
    }
    return builder.build();
  }

  static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "a list";
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> node.getNodeType().toString().toLowerCase(Locale.ROOT);
    };
  }

  static String abbreviate(JsonNode node) {
    String text = node.toString();
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}
