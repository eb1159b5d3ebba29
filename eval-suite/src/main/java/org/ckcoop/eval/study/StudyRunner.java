package org.ckcoop.eval.study;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.ckcoop.backbone.BackboneOptions;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.backbone.InputException;
import org.ckcoop.backbone.model.Precision;
import org.ckcoop.backbone.safetensors.SafetensorsFile;
import org.ckcoop.core.train.LearnerTrainer;
import org.ckcoop.eval.features.FeatureStore;
import org.ckcoop.eval.result.RunResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a study (or one shard of it) and writes one {@code run.json} per run. The Java entry point of
 * {@code ckcoop run} and {@code ckcoop sweep}, and of any program that runs studies:
 *
 * <pre>{@code
 * Study study = StudyFile.read(Path.of("experiment.yaml"), List.of("train.epochs=2"));
 * List<RunResult> results = StudyRunner.run(study, StudyOptions.defaults(), StudyListener.NONE);
 * }</pre>
 *
 * <p>The backbone is loaded once; each image list is encoded once ({@link FeatureStore}: in memory
 * for every learner and seed of the process, on disk for later processes and other shards); each
 * dataset is read and each split sampled once.
 *
 * <p><b>Restarts.</b> Before anything runs, every existing {@code run.json} (and the checkpoint of every
 * unfinished run) of the shard is read: one of another config stops the study with an error naming
 * the folders (nothing is overwritten). Then,
 * run by run: the run folder is locked (a run another process holds is skipped); a run whose
 * {@code run.json} matches the planned config, backbone and split is skipped untouched; any other run
 * trains, resuming from its folder's checkpoint if a killed process left one (core's trainer ends
 * bit-identical to an uninterrupted run), is evaluated, and its {@code run.json} is written
 * atomically. An error (a diverged run, a listener that throws) stops the study; the next start
 * resumes where it stopped.
 */
public final class StudyRunner {
  private static final Logger LOG = LoggerFactory.getLogger(StudyRunner.class);

  private StudyRunner() {}

  /**
   * Runs the study's runs of {@code options.shard()} in order.
   *
   * @return the results of those runs, finished now or before (runs locked by another process are
   *     left out)
   * @throws InputException when existing results belong to another config, data or backbone, or input
   *     (a dataset, an image, the checkpoint) is unusable
   */
  public static List<RunResult> run(Study study, StudyOptions options, StudyListener listener) {
    List<PlannedRun> runs = options.shard().select(study.runs());
    checkExistingResults(runs);
    LOG.info("{}: {} of {} runs (shard {}), results in {}", study, runs.size(), study.runs().size(), options.shard(),
        study.output());
    listener.studyStarted(study, runs);
    List<RunResult> results = new ArrayList<>();
    try (ClipBackbone backbone = ClipBackbone.load(study.checkpoint(),
        new BackboneOptions(study.backbone().device(), Precision.FP32))) {
      FeatureStore store = new FeatureStore(study.cache(), backbone, study.backbone().batchSize());
      RunExecution execution = new RunExecution(study, backbone, store, new StudyData(study), listener);
      int position = 0;
      for (PlannedRun run : runs) {
        position++;
        String tag = "[" + position + "/" + runs.size() + "] " + run.describe();
        Optional<RunFolder> lock = RunFolder.lock(run.folder());
        if (lock.isEmpty()) {
          LOG.warn("{}: skipped, another process holds {}", tag, run.folder().resolve(RunFolder.LOCK));
          listener.runSkipped(run, StudyListener.Skip.LOCKED);
          continue;
        }
        try (RunFolder held = lock.get()) {
          if (Files.exists(run.resultFile())) {
            RunResult existing = RunResult.read(run.resultFile());
            execution.checkFinished(run, existing);
            LOG.info("{}: already finished ({})", tag, run.resultFile());
            results.add(existing);
            listener.runSkipped(run, StudyListener.Skip.FINISHED);
            continue;
          }
          LOG.info("{}: started in {}", tag, run.folder());
          listener.runStarted(run);
          RunResult result = execution.execute(run);
          result.write(run.resultFile());
          LOG.info("{}: {} ({} s)", tag, summary(result), String.format(Locale.ROOT, "%.1f", result.timings().total()));
          results.add(result);
          listener.runFinished(run, result);
        }
      }
      LOG.info("{}: done; feature cache {}", study, store.counts());
    }
    listener.studyFinished(study, results);
    return List.copyOf(results);
  }

  /** Returns one line of a result's accuracies: {@code EuroSAT/base 81.2%, EuroSAT/new 70.3%}. */
  public static String summary(RunResult result) {
    return result.tests().stream()
        .map(t -> String.format(Locale.ROOT, "%s/%s %.2f%%", t.dataset(), t.subset(), t.top1()))
        .collect(Collectors.joining(", "));
  }

  /**
   * Fails, naming every folder, if existing results or checkpoints of these runs were produced with
   * another config, so that a changed experiment stops before anything trains.
   */
  private static void checkExistingResults(List<PlannedRun> runs) {
    List<String> conflicts = new ArrayList<>();
    for (PlannedRun run : runs) {
      if (!Files.exists(run.resultFile())) {
        Path checkpoint = run.folder().resolve(LearnerTrainer.CHECKPOINT);
        if (Files.exists(checkpoint)) {
          try (SafetensorsFile f = SafetensorsFile.open(checkpoint)) {
            String hash = f.metadata().get("config_hash");
            if (!run.configHash().equals(hash)) {
              conflicts.add(checkpoint + " (a checkpoint of config " + hash + ", now " + run.configHash() + ")");
            }
          } catch (InputException e) {
            conflicts.add(e.getMessage());
          }
        }
        continue;
      }
      try {
        RunResult existing = RunResult.read(run.resultFile());
        if (!existing.provenance().configHash().equals(run.configHash())) {
          conflicts.add(run.folder() + " (config " + existing.provenance().configHash() + ", now " + run.configHash()
              + ")");
        }
      } catch (InputException e) {
        conflicts.add(e.getMessage());
      }
    }
    if (!conflicts.isEmpty()) {
      int shown = Math.min(conflicts.size(), 5);
      throw new InputException(conflicts.size() + " run folder(s)", "already hold results that are not of this study's"
          + " config: " + String.join("; ", conflicts.subList(0, shown)) + (conflicts.size() > shown ? "; ..." : "")
          + ". Nothing was overwritten: to keep them, run with another --output; to replace them, move those"
          + " folders away (a changed train.epochs, recipe or --set changes a run's config)");
    }
  }
}
