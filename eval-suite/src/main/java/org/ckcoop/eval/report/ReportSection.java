package org.ckcoop.eval.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.ckcoop.eval.result.RunResult;

/**
 * The aggregated numbers of one table: one study, one protocol, one backbone, and for the protocols
 * that train once per setting, one training setting (shots; and the source dataset for transfer).
 * Runs of learners that do not train (zero-shot CLIP) join every section of their study, protocol and
 * backbone.
 *
 * <p>Every number is a {@link Figure} under a {@link Key}: seed aggregates per variant, dataset and
 * quantity, and the derived ones: for base-to-new the harmonic mean of the seed-averaged Base and New
 * per dataset and the {@link #AVERAGE} row (Base and New averaged over the datasets, HM of those
 * averages); for transfer the {@link #TARGET_AVERAGE} over the target datasets; for few-shot the
 * {@link #AVERAGE} over datasets per shot count. An average exists only when every dataset of the
 * section has a value for that variant.
 */
public final class ReportSection {
  /** The dataset name of the average-over-datasets row. */
  public static final String AVERAGE = "Average";
  /** The dataset name of the average-over-targets column of the transfer protocols. */
  public static final String TARGET_AVERAGE = "Target average";
  /** Quantity: accuracy on the base classes. */
  public static final String BASE = "base";
  /** Quantity: accuracy on the new classes. */
  public static final String NEW = "new";
  /** Quantity: harmonic mean of base and new. */
  public static final String HM = "hm";
  /** Quantity: accuracy on all classes (transfer and few-shot). */
  public static final String ACCURACY = "accuracy";

  /**
   * Where a number sits.
   *
   * @param variant the variant (column label of a learner configuration)
   * @param dataset the test dataset, {@link #AVERAGE} or {@link #TARGET_AVERAGE}
   * @param quantity {@link #BASE}, {@link #NEW}, {@link #HM} or {@link #ACCURACY}
   * @param shots the shot count for few-shot (0 for a learner that does not train); 0 otherwise
   */
  public record Key(String variant, String dataset, String quantity, int shots) {}

  /**
   * A learner configuration of the section.
   *
   * @param name the variant label
   * @param learner the learner's registered name
   * @param trains whether its runs train (a run of a learner that does not train has no training dataset)
   */
  public record Variant(String name, String learner, boolean trains) {}

  /**
   * A published number beside one of ours.
   *
   * @param key where our number sits
   * @param method the published method (CoOp, ...)
   * @param tableDataset the dataset's name in the published table
   * @param published the published value
   * @param ours our figure, if we have it
   * @param table the published table's id
   */
  public record Comparison(String method, Key key, String tableDataset, double published, Optional<Figure> ours, String table) {
    /** Returns ours minus published, if we have ours. */
    public OptionalDouble difference() {
      return ours.isPresent() ? OptionalDouble.of(ours.get().value() - published) : OptionalDouble.empty();
    }
  }

  private final String study;
  private final ReportProtocol protocol;
  private final RunResult.BackboneInfo backbone;
  private final String sourceDataset;
  private final Integer shots;
  private final List<Variant> variants;
  private final List<String> datasets;
  private final List<Integer> shotCounts;
  private final List<Long> seeds;
  private final Map<Key, Figure> figures;
  private final Map<Key, Comparison> comparisons;
  private final Optional<PublishedNumbers.Table> publishedTable;
  private final List<String> notes;
  private final String stem;
  private final Map<Key, java.util.SortedSet<String>> diverged;

  ReportSection(String study, ReportProtocol protocol, RunResult.BackboneInfo backbone, String sourceDataset, Integer shots,
      List<Variant> variants, List<String> datasets, List<Integer> shotCounts, List<Long> seeds, Map<Key, Figure> figures,
      Map<Key, Comparison> comparisons, Optional<PublishedNumbers.Table> publishedTable, List<String> notes, String stem) {
    this(study, protocol, backbone, sourceDataset, shots, variants, datasets, shotCounts, seeds, figures, comparisons,
        publishedTable, notes, stem, Map.of());
  }

  ReportSection(String study, ReportProtocol protocol, RunResult.BackboneInfo backbone, String sourceDataset, Integer shots,
      List<Variant> variants, List<String> datasets, List<Integer> shotCounts, List<Long> seeds, Map<Key, Figure> figures,
      Map<Key, Comparison> comparisons, Optional<PublishedNumbers.Table> publishedTable, List<String> notes, String stem,
      Map<Key, java.util.SortedSet<String>> diverged) {
    this.diverged = Collections.unmodifiableMap(new LinkedHashMap<>(diverged));
    this.study = study;
    this.protocol = protocol;
    this.backbone = backbone;
    this.sourceDataset = sourceDataset;
    this.shots = shots;
    this.variants = List.copyOf(variants);
    this.datasets = List.copyOf(datasets);
    this.shotCounts = List.copyOf(shotCounts);
    this.seeds = List.copyOf(seeds);
    this.figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures));
    this.comparisons = Collections.unmodifiableMap(new LinkedHashMap<>(comparisons));
    this.publishedTable = publishedTable;
    this.notes = List.copyOf(notes);
    this.stem = stem;
  }

  ReportSection withStem(String newStem) {
    return new ReportSection(study, protocol, backbone, sourceDataset, shots, variants, datasets, shotCounts, seeds, figures,
        comparisons, publishedTable, notes, newStem, diverged);
  }

  /**
   * Returns the cells that show {@code diverged} instead of a number, with the diverged run files
   * each depends on: a cell with a diverged seed, and the HM and averages computed from such a cell.
   */
  public Map<Key, java.util.SortedSet<String>> divergedCells() {
    return diverged;
  }

  /** Returns whether a cell shows {@code diverged}. */
  public boolean diverged(Key key) {
    return diverged.containsKey(key);
  }

  /** Returns the study's name. */
  public String study() {
    return study;
  }

  /** Returns the protocol. */
  public ReportProtocol protocol() {
    return protocol;
  }

  /** Returns the backbone every run of the section used. */
  public RunResult.BackboneInfo backbone() {
    return backbone;
  }

  /** Returns the training dataset of a transfer section (registry name), if known. */
  public Optional<String> sourceDataset() {
    return Optional.ofNullable(sourceDataset);
  }

  /** Returns the shots of the training runs (base-to-new and transfer), if the section has training runs. */
  public Optional<Integer> shots() {
    return Optional.ofNullable(shots);
  }

  /** Returns the variants in table order (the field's learner order, then by name). */
  public List<Variant> variants() {
    return variants;
  }

  /** Returns the test datasets in table order (for transfer: the source first). */
  public List<String> datasets() {
    return datasets;
  }

  /** Returns the datasets a target average covers (transfer: all but the source). */
  public List<String> targetDatasets() {
    return datasets.stream().filter(d -> !d.equals(sourceDataset)).toList();
  }

  /** Returns the shot counts of a few-shot section, ascending (0 = a learner that does not train); empty otherwise. */
  public List<Integer> shotCounts() {
    return shotCounts;
  }

  /**
   * Returns the seeds of the section's training runs, ascending: what a complete cell of a training
   * learner has (for a section of learners that do not train only: every seed seen).
   */
  public List<Long> seeds() {
    return seeds;
  }

  /** Returns every number, seed aggregates and derived ones, in table order. */
  public Map<Key, Figure> figures() {
    return figures;
  }

  /** Returns a number, if the section has it. */
  public Optional<Figure> figure(Key key) {
    return Optional.ofNullable(figures.get(key));
  }

  /** Returns the published numbers beside ours, keyed by where ours sit. */
  public Map<Key, Comparison> comparisons() {
    return comparisons;
  }

  /** Returns the published table compared against, if one applies. */
  public Optional<PublishedNumbers.Table> publishedTable() {
    return publishedTable;
  }

  /** Returns the explanations shown under the table: missing cells and seeds, what was or was not compared. */
  public List<String> notes() {
    return notes;
  }

  /** Returns the file name stem of this section's CSV, LaTeX and PNG files (unique in its report). */
  public String stem() {
    return stem;
  }

  /** Returns the section's title, e.g. {@code demo: base-to-new generalization, 16 shots}. */
  public String title() {
    StringBuilder t = new StringBuilder(study).append(": ").append(protocol.title());
    if (sourceDataset != null) {
      t.append(", trained on ").append(sourceDataset);
    }
    if (shots != null && protocol != ReportProtocol.FEW_SHOT) {
      t.append(", ").append(shots).append(shots == 1 ? " shot" : " shots");
    }
    return t.toString();
  }

  /** Returns the backbone as one line: name, architecture and the start of its identity. */
  public String backboneLine() {
    String id = backbone.identity();
    return (backbone.name() == null || backbone.name().isBlank() ? "(unnamed)" : backbone.name()) + " (" + backbone.architecture()
        + "; identity " + id.substring(0, Math.min(12, id.length())) + ")";
  }
}
