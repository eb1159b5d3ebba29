package org.ckcoop.eval.result;

import org.ckcoop.common.files.AtomicWrite;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.ckcoop.common.InputException;
import org.ckcoop.core.train.RunProvenance;

/**
 * The result of one run (one learner variant, one training dataset, one seed, one protocol), as
 * written to {@code run.json} in the run's folder. A run can be repeated from this file alone: it
 * carries the resolved config (every key, defaults included) and its hash, the split identities,
 * the backbone identity, the seed and the software versions.
 *
 * @param format the file format version ({@link #FORMAT})
 * @param study the study's name (from the experiment file)
 * @param protocol {@code base2new}, {@code cross-dataset}, {@code domain-generalization} or {@code few-shot}
 * @param learner the learner's registered name
 * @param variant the column label of this learner configuration: the learner name, or for a sweep
 *     point the learner name with its overrides, e.g. {@code ckcoop[learner.ckcoop.use_kronecker=false]}
 * @param overrides the sweep point's overrides (key to value; empty outside a sweep)
 * @param trainDataset the dataset the learner was trained on (empty for learners that do not train)
 * @param shots shots per class of the training split
 * @param seed the run's seed (split sampling and training)
 * @param backbone which backbone produced the features
 * @param tests one entry per evaluated test set
 * @param provenance the resolved config, its hash, backbone and data identity, seed and versions
 * @param trainSplitSource where the training split's items came from
 *     ({@link org.ckcoop.eval.data.FewShotSource#toMap()}: {@code kind} {@code sampler},
 *     {@code dassl-cache} or {@code all-images}, the {@code file} and its {@code sha256},
 *     {@code sampler}, {@code same_as_sampler}); empty in results written before it was recorded
 * @param timings wall-clock seconds spent per phase
 * @param status {@link #FINISHED} (trained, tested; {@code tests} holds the numbers) or {@link #DIVERGED}
 *     (training diverged: {@code tests} is empty and {@code divergence} says where); a file without the
 *     field (written before it existed) is a finished run
 * @param divergence where training diverged, for a diverged run; {@code null} for a finished one
 * @param training what training did (epochs, final loss, resumed, the state file); {@code null} for a
 *     learner that does not train, a diverged run, or a file written before it was recorded
 * @param studyVariants the study's variant labels in the study's order ({@code study.learners}, each
 *     learner's sweep points in grid order): the column order of a report; empty in files written
 *     before it was recorded
 *
 * <p>This is a run's one record: the trainer returns its outcome and this file holds it (the trainer
 * itself writes only checkpoints, {@code train.log}, {@code metrics.jsonl} and the learner state).
 * {@code provenance.dataIdentity} is the split identity (the SHA-256 of the training split file),
 * the same value the study checks when it meets a finished run again.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunResult(
    int format,
    String study,
    String protocol,
    String learner,
    String variant,
    SortedMap<String, String> overrides,
    String trainDataset,
    int shots,
    long seed,
    BackboneInfo backbone,
    List<TestResult> tests,
    RunProvenance provenance,
    SortedMap<String, String> trainSplitSource,
    Timings timings,
    String status,
    Divergence divergence,
    Training training,
    List<String> studyVariants) {

  /** The current file format version. */
  public static final int FORMAT = 1;
  /** The file name of a run's result inside its folder. */
  public static final String FILE_NAME = "run.json";

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** The {@code status} of a run that trained and was tested. */
  public static final String FINISHED = "finished";
  /** The {@code status} of a run whose training diverged (no test numbers). */
  public static final String DIVERGED = "diverged";

  /** Copies the collections; a missing status is {@link #FINISHED}. */
  public RunResult {
    overrides = new TreeMap<>(overrides == null ? Map.of() : overrides);
    tests = List.copyOf(tests == null ? List.of() : tests);
    trainSplitSource = new TreeMap<>(trainSplitSource == null ? Map.of() : trainSplitSource);
    status = status == null || status.isBlank() ? FINISHED : status;
    studyVariants = List.copyOf(studyVariants == null ? List.of() : studyVariants);
  }


  /** Creates a result without a training summary. */
  public RunResult(int format, String study, String protocol, String learner, String variant,
      SortedMap<String, String> overrides, String trainDataset, int shots, long seed, BackboneInfo backbone,
      List<TestResult> tests, RunProvenance provenance, SortedMap<String, String> trainSplitSource, Timings timings,
      String status, Divergence divergence) {
    this(format, study, protocol, learner, variant, overrides, trainDataset, shots, seed, backbone, tests, provenance,
        trainSplitSource, timings, status, divergence, null, List.of());
  }

  /** Creates the result of a finished run that does not record where its training split came from. */
  public RunResult(int format, String study, String protocol, String learner, String variant,
      SortedMap<String, String> overrides, String trainDataset, int shots, long seed, BackboneInfo backbone,
      List<TestResult> tests, RunProvenance provenance, Timings timings) {
    this(format, study, protocol, learner, variant, overrides, trainDataset, shots, seed, backbone, tests, provenance,
        new TreeMap<>(), timings, FINISHED, null);
  }

  /** Creates the result of a finished run. */
  public RunResult(int format, String study, String protocol, String learner, String variant,
      SortedMap<String, String> overrides, String trainDataset, int shots, long seed, BackboneInfo backbone,
      List<TestResult> tests, RunProvenance provenance, SortedMap<String, String> trainSplitSource, Timings timings) {
    this(format, study, protocol, learner, variant, overrides, trainDataset, shots, seed, backbone, tests, provenance,
        trainSplitSource, timings, FINISHED, null);
  }

  /** Returns whether training diverged ({@code status} is {@link #DIVERGED}). */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean diverged() {
    return DIVERGED.equals(status);
  }

  /**
   * What training did in a run.
   *
   * @param epochs epochs trained in all (across resumes)
   * @param finalLoss the last epoch's mean training loss
   * @param resumed whether the run continued from a checkpoint
   * @param stateFile the learner state file's name in the run folder
   * @param trainingExamplesIdentity the content hash of the training examples as the trainer saw them
   *     (features or images and labels; the checkpoints' {@code training_examples_identity})
   * @param metrics a directly fitted learner's own numbers (the linear probe's chosen {@code c} and its
   *     validation accuracy); empty for training by epochs
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Training(int epochs, double finalLoss, boolean resumed, String stateFile, String trainingExamplesIdentity,
      SortedMap<String, Double> metrics) {
    /** Copies the metrics. */
    public Training {
      metrics = new TreeMap<>(metrics == null ? Map.of() : metrics);
    }
  }

  /**
   * Where a run's training diverged (the trainer's {@code TrainingDivergedException}).
   *
   * @param epoch the epoch (1-based) in which training diverged
   * @param step the step (1-based) within that epoch, or 0 when found at the epoch's end
   * @param epochsDone epochs whose checkpoint is kept (0: none)
   * @param lastFiniteLoss the last finite training loss seen, or {@code null} when none was
   * @param checkpoint the kept checkpoint (absolute path), or {@code null} when no epoch had finished
   * @param message the trainer's message
   * @param testSets the test sets the run would have been evaluated on ({@code dataset/subset}), whose
   *     report cells show {@code diverged}
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Divergence(int epoch, int step, int epochsDone, Double lastFiniteLoss, String checkpoint, String message,
      List<TestSet> testSets) {
    /** Copies the list. */
    public Divergence {
      testSets = List.copyOf(testSets == null ? List.of() : testSets);
    }
  }

  /**
   * A test set a run is evaluated on.
   *
   * @param dataset the test dataset's name
   * @param subset {@code base}, {@code new} or {@code all}
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record TestSet(String dataset, String subset) {}

  /**
   * Which backbone produced the features.
   *
   * @param identity the backbone identity (hash of weights, architecture, preprocessing, tokenizer)
   * @param architecture the architecture's short description (e.g. {@code ViT-B/16}-sized numbers)
   * @param name a human label for tables (the checkpoint folder's name), used to match published numbers
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record BackboneInfo(String identity, String architecture, String name) {}

  /**
   * How the learner scored on one test set.
   *
   * @param dataset the test dataset's name
   * @param subset {@code base}, {@code new} or {@code all} (the classes evaluated)
   * @param splitIdentity the hash identifying the test split (its items and labels)
   * @param classes the number of classes competing in the evaluation
   * @param examples the number of test images
   * @param top1 top-1 accuracy in percent
   * @param meanPerClass mean per-class top-1 accuracy in percent
   * @param perClass each class's top-1 accuracy in percent, by class name
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record TestResult(
      String dataset, String subset, String splitIdentity, int classes, int examples, double top1,
      double meanPerClass, SortedMap<String, Double> perClass) {
    /** Copies the map. */
    public TestResult {
      perClass = new TreeMap<>(perClass == null ? Map.of() : perClass);
    }
  }

  /**
   * Wall-clock seconds per phase of the run.
   *
   * @param features reading or computing the cached image features
   * @param train training the learner (0 for learners that do not train)
   * @param evaluate classifying the test sets
   * @param total the whole run
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Timings(double features, double train, double evaluate, double total) {}

  /** Returns the test result for a dataset and subset, if evaluated. */
  public java.util.Optional<TestResult> test(String dataset, String subset) {
    return tests.stream().filter(t -> t.dataset().equals(dataset) && t.subset().equals(subset)).findFirst();
  }

  /** Writes this result as JSON atomically (a temporary file in the same folder, then a rename). */
  public void write(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      AtomicWrite.bytes(file, JSON.writeValueAsBytes(this));
    } catch (IOException e) {
      throw new InputException(file, "cannot write the run result: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a result written by {@link #write}.
   *
   * @throws InputException naming the file if it is not a run result of a known format
   */
  public static RunResult read(Path file) {
    RunResult result;
    try {
      result = JSON.readValue(file.toFile(), RunResult.class);
    } catch (IOException e) {
      throw new InputException(file, "not a readable run result: " + e.getMessage(), e);
    }
    if (result.format() != FORMAT) {
      throw new InputException(file, "run result format " + result.format() + " is not supported (expected " + FORMAT + ")");
    }
    if (!FINISHED.equals(result.status()) && !DIVERGED.equals(result.status())) {
      throw new InputException(file, "status '" + result.status() + "' is not " + FINISHED + " or " + DIVERGED);
    }
    if (result.diverged() && result.divergence() == null) {
      throw new InputException(file, "status is " + DIVERGED + " but there is no \"divergence\" object");
    }
    return result;
  }
}
