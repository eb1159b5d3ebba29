package org.ckcoop.eval.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.ckcoop.common.InputException;
import org.ckcoop.backbone.checkpoint.ClipArchitecture;

/**
 * Published accuracies of other methods, shown beside a report's own numbers. The built-in set
 * ({@code published-numbers.json} next to this class) holds CLIP, CoOp, CoCoOp, ProGrad, KgCoOp, MaPLe
 * and PromptSRC with a ViT-B/16 CLIP for base-to-new, domain generalization and cross-dataset transfer, each table
 * with its source and how sure the numbers are.
 *
 * <p>Both name mappings are explicit in the file: {@code methods} maps our learner names to the
 * tables' method names ({@code zsclip} to CLIP, ...), {@code datasets} maps our dataset registry names
 * to the tables' dataset names ({@code OxfordFlowers} to Flowers102, {@code DescribableTextures} to
 * DTD, ...). A table applies only to runs whose backbone architecture is the table's
 * ({@link ClipArchitecture#describe()} of the named preset).
 */
public final class PublishedNumbers {
  /** The resource holding the built-in numbers. */
  public static final String RESOURCE = "published-numbers.json";

  private final Map<String, String> methods;
  private final Map<String, String> datasets;
  private final List<Table> tables;

  private PublishedNumbers(Map<String, String> methods, Map<String, String> datasets, List<Table> tables) {
    this.methods = Collections.unmodifiableMap(new LinkedHashMap<>(methods));
    this.datasets = Collections.unmodifiableMap(new LinkedHashMap<>(datasets));
    this.tables = List.copyOf(tables);
  }

  /**
   * One published table.
   *
   * @param id the table's id (its protocol's name for the built-in tables)
   * @param protocol the protocol it reports
   * @param backbone the backbone preset ({@code vit-b-16})
   * @param architecture that preset's {@link ClipArchitecture#describe()}, matched against {@code BackboneInfo.architecture}
   * @param shots shots per class of the training runs
   * @param sourceDataset the training dataset, in the table's naming ({@code null} for base-to-new)
   * @param source where the numbers come from
   * @param status how sure they are (see the file's {@code about})
   * @param values method to table dataset name ({@code Average} and {@code Target average} included) to
   *     quantity ({@code base}, {@code new}, {@code hm} or {@code accuracy}) to value
   */
  public record Table(
      String id, ReportProtocol protocol, String backbone, String architecture, int shots, String sourceDataset,
      String source, String status, Map<String, Map<String, Map<String, Double>>> values) {

    /** Returns a published value, if the table has it. */
    public OptionalDouble value(String method, String tableDataset, String quantity) {
      Double v = values.getOrDefault(method, Map.of()).getOrDefault(tableDataset, Map.of()).get(quantity);
      return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /** Returns the methods the table has rows for. */
    public Set<String> methods() {
      return values.keySet();
    }

    /** Returns the table's datasets (its naming), without the averages and without the source dataset. */
    public Set<String> averagedDatasets() {
      Set<String> out = new LinkedHashSet<>();
      values.values().forEach(byDataset -> out.addAll(byDataset.keySet()));
      out.remove(ReportSection.AVERAGE);
      out.remove(ReportSection.TARGET_AVERAGE);
      if (sourceDataset != null) {
        out.remove(sourceDataset);
      }
      return out;
    }
  }

  /** Returns the built-in published numbers. */
  public static PublishedNumbers builtIn() {
    try (InputStream in = PublishedNumbers.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + RESOURCE + " is missing from the class path");
      }
      return parse(new ObjectMapper().readTree(in), "built-in " + RESOURCE);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the built-in " + RESOURCE + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads published numbers from a file in the built-in file's format.
   *
   * @throws InputException naming the file and the entry that is wrong
   */
  public static PublishedNumbers read(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new InputException(file, "cannot read published numbers: " + e.getMessage(), e);
    }
    return parse(root, file.toString());
  }

  /** Returns an empty set: a report without published numbers. */
  public static PublishedNumbers none() {
    return new PublishedNumbers(Map.of(), Map.of(), List.of());
  }

  /** Returns the table's method name for one of our learners, if mapped. */
  public Optional<String> method(String learner) {
    return Optional.ofNullable(methods.get(learner));
  }

  /** Returns the tables' name for one of our datasets (registry name), if mapped. */
  public Optional<String> tableDataset(String dataset) {
    return Optional.ofNullable(datasets.get(dataset));
  }

  /** Returns the learner to method mapping. */
  public Map<String, String> methods() {
    return methods;
  }

  /** Returns the dataset registry name to table name mapping. */
  public Map<String, String> datasets() {
    return datasets;
  }

  /** Returns every table. */
  public List<Table> tables() {
    return tables;
  }

  /** Returns the tables of a protocol. */
  public List<Table> tables(ReportProtocol protocol) {
    return tables.stream().filter(t -> t.protocol() == protocol).toList();
  }

  private static PublishedNumbers parse(JsonNode root, String where) {
    Map<String, String> methods = stringMap(root, "methods", where);
    Map<String, String> datasets = stringMap(root, "datasets", where);
    List<Table> tables = new ArrayList<>();
    JsonNode list = root.path("tables");
    if (!list.isArray()) {
      throw new InputException(where, "'tables' must be a list of tables");
    }
    for (JsonNode t : list) {
      String id = text(t, "id", where);
      String at = where + " table '" + id + "'";
      ReportProtocol protocol = ReportProtocol.fromFileName(text(t, "protocol", at))
          .orElseThrow(() -> new InputException(at, "unknown protocol '" + t.path("protocol").asText() + "'"));
      if (protocol == ReportProtocol.FEW_SHOT) {
        throw new InputException(at, "few-shot tables are not supported (base2new, cross-dataset and domain-generalization are)");
      }
      String backbone = text(t, "backbone", at);
      String architecture;
      try {
        architecture = ClipArchitecture.preset(backbone, 49408).describe();
      } catch (InputException e) {
        throw new InputException(at, "backbone: " + e.getMessage());
      }
      if (!t.path("shots").canConvertToInt()) {
        throw new InputException(at, "'shots' must be a whole number");
      }
      String sourceDataset = t.hasNonNull("sourceDataset") ? t.get("sourceDataset").asText() : null;
      List<String> columns = new ArrayList<>();
      t.path("columns").forEach(c -> columns.add(c.asText()));
      Map<String, Map<String, Map<String, Double>>> values = new LinkedHashMap<>();
      JsonNode rows = t.path("rows");
      if (!rows.isObject() || columns.isEmpty()) {
        throw new InputException(at, "needs 'columns' (a list of names) and 'rows' (an object)");
      }
      if (protocol == ReportProtocol.BASE2NEW) {
        // rows: table dataset -> method -> [value per column]
        for (Map.Entry<String, JsonNode> byDataset : rows.properties()) {
          for (Map.Entry<String, JsonNode> byMethod : byDataset.getValue().properties()) {
            List<Double> numbers = numbers(byMethod.getValue(), columns.size(), at + " " + byDataset.getKey() + " " + byMethod.getKey());
            for (int i = 0; i < columns.size(); i++) {
              values.computeIfAbsent(byMethod.getKey(), k -> new LinkedHashMap<>())
                  .computeIfAbsent(byDataset.getKey(), k -> new LinkedHashMap<>()).put(columns.get(i), numbers.get(i));
            }
          }
        }
      } else {
        // rows: method -> [value per column (table dataset)]
        for (Map.Entry<String, JsonNode> byMethod : rows.properties()) {
          List<Double> numbers = numbers(byMethod.getValue(), columns.size(), at + " " + byMethod.getKey());
          for (int i = 0; i < columns.size(); i++) {
            values.computeIfAbsent(byMethod.getKey(), k -> new LinkedHashMap<>())
                .computeIfAbsent(columns.get(i), k -> new LinkedHashMap<>()).put(ReportSection.ACCURACY, numbers.get(i));
          }
        }
      }
      tables.add(new Table(id, protocol, backbone, architecture, t.get("shots").asInt(), sourceDataset,
          text(t, "source", at), text(t, "status", at), values));
    }
    return new PublishedNumbers(methods, datasets, tables);
  }

  private static List<Double> numbers(JsonNode node, int size, String where) {
    if (!node.isArray() || node.size() != size) {
      throw new InputException(where, "expected a list of " + size + " numbers, found " + node);
    }
    List<Double> out = new ArrayList<>();
    for (JsonNode n : node) {
      if (!n.isNumber()) {
        throw new InputException(where, "expected numbers, found " + n);
      }
      out.add(n.asDouble());
    }
    return out;
  }

  private static Map<String, String> stringMap(JsonNode root, String key, String where) {
    JsonNode node = root.path(key);
    if (!node.isObject()) {
      throw new InputException(where, "'" + key + "' must be an object of names");
    }
    Map<String, String> out = new LinkedHashMap<>();
    node.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  private static String text(JsonNode node, String key, String where) {
    JsonNode v = node.get(key);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new InputException(where, "'" + key + "' must be a non-empty string");
    }
    return v.asText();
  }
}
