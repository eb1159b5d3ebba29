package org.ckcoop.eval.study;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ckcoop.core.plugin.LearnerRegistry;
import org.ckcoop.eval.data.DatasetRegistry;

/**
 * A study read from an experiment file and checked: its protocol, variants, datasets, backbone, output
 * and cache folders, and every run with its resolved config, in a fixed order. Nothing has run yet;
 * {@link StudyRunner} runs it. Created by {@link StudyFile}.
 */
public final class Study {
  private final Path experimentFile;
  private final String name;
  private final Protocol protocol;
  private final Path checkpoint;
  private final BackboneSettings backbone;
  private final Map<String, StudyDataset> datasets;
  private final Path output;
  private final Path cache;
  private final List<Variant> variants;
  private final List<PlannedRun> runs;
  private final LearnerRegistry learners;
  private final DatasetRegistry datasetRegistry;

  Study(Path experimentFile, String name, Protocol protocol, Path checkpoint, BackboneSettings backbone,
      Map<String, StudyDataset> datasets, Path output, Path cache, List<Variant> variants, List<PlannedRun> runs,
      LearnerRegistry learners, DatasetRegistry datasetRegistry) {
    this.experimentFile = experimentFile;
    this.name = name;
    this.protocol = protocol;
    this.checkpoint = checkpoint;
    this.backbone = backbone;
    this.datasets = Map.copyOf(datasets);
    this.output = output;
    this.cache = cache;
    this.variants = List.copyOf(variants);
    this.runs = List.copyOf(runs);
    this.learners = learners;
    this.datasetRegistry = datasetRegistry;
  }

  /** Returns the experiment file, absolute. */
  public Path experimentFile() {
    return experimentFile;
  }

  /** Returns the study's name. */
  public String name() {
    return name;
  }

  /** Returns the protocol. */
  public Protocol protocol() {
    return protocol;
  }

  /** Returns the backbone checkpoint, absolute. */
  public Path checkpoint() {
    return checkpoint;
  }

  /** Returns the backbone settings. */
  public BackboneSettings backbone() {
    return backbone;
  }

  /** Returns the label of the backbone in results: {@code backbone.name}, else the checkpoint folder's name. */
  public String backboneName() {
    if (!backbone.name().isBlank()) {
      return backbone.name();
    }
    return nameOf(checkpoint);
  }

  /**
   * The label of a checkpoint path: a folder's name; a weights file's stem (~/.cache/clip/ViT-B-16.pt is
   * ViT-B-16), or its folder's name when the file name is a generic one (model.safetensors,
   * pytorch_model.bin, open_clip_pytorch_model.bin, their shards).
   */
  static String nameOf(Path checkpoint) {
    String file = checkpoint.getFileName() == null ? "" : checkpoint.getFileName().toString();
    java.util.regex.Matcher weights = java.util.regex.Pattern.compile("(.+)\\.(safetensors|bin|pt|pth)").matcher(file);
    if (weights.matches() && !java.nio.file.Files.isDirectory(checkpoint)) {
      String stem = weights.group(1);
      boolean generic = stem.matches("(model|pytorch_model|open_clip_model|open_clip_pytorch_model)(-\\d+-of-\\d+)?");
      if (!generic || checkpoint.getParent() == null || checkpoint.getParent().getFileName() == null) {
        return stem;
      }
      return checkpoint.getParent().getFileName().toString();
    }
    return file.isEmpty() ? checkpoint.toString() : file;
  }

  /** Returns the datasets the runs use, by id. */
  public Map<String, StudyDataset> datasets() {
    return datasets;
  }

  /** Returns the results folder, absolute. */
  public Path output() {
    return output;
  }

  /** Returns the feature cache folder, absolute. */
  public Path cache() {
    return cache;
  }

  /** Returns the variants (learners, or learner x sweep point), in order. */
  public List<Variant> variants() {
    return variants;
  }

  /** Returns every run, in the study's order (datasets, shots, seeds, variants). */
  public List<PlannedRun> runs() {
    return runs;
  }

  /** Returns the learner registry the study was checked against. */
  public LearnerRegistry learners() {
    return learners;
  }

  /** Returns the dataset registry. */
  public DatasetRegistry datasetRegistry() {
    return datasetRegistry;
  }

  @Override
  public String toString() {
    return "study '" + name + "' (" + protocol + ", " + runs.size() + " runs)";
  }
}
