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
import org.ckcoop.common.InputException;
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
 * atomically. Taking a run folder's lock removes temporary files a killed process left there
 * ({@link StaleTemporaries}; the feature cache's are removed at the start), and a folder left holding
 * only its lock is removed.
 *
 * <p><b>Checks first.</b> Before the backbone loads, every dataset, split and image header the shard
 * uses is checked ({@link StudyPreflight}); all problems are reported at once and nothing trains.
 *
 * <p><b>Diverged runs.</b> A run whose training diverges is recorded in its {@code run.json} with
 * status {@code diverged} (epoch, step, last finite loss, kept checkpoint) and the study goes on with
 * the next run; the returned list holds it ({@link RunResult#diverged()}). A restart skips it unless
 * {@link StudyOptions#retryDiverged()}, which moves its files aside ({@code <folder>.diverged-<k>/})
 * and runs it again from scratch: the kept checkpoint would most likely lead to the same divergence.
 * Other errors (unusable input, a listener that throws) stop the study; the next start resumes where
 * it stopped.
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
    StudyData data = new StudyData(study);
    StudyPreflight.Findings checked = StudyPreflight.check(study, runs, data);
    LOG.info("{}: {} of {} runs (shard {}), results in {}", study, runs.size(), study.runs().size(), options.shard(),
        study.output());
    listener.studyStarted(study, runs);
    checked.warnings().forEach(listener::warning);
    StaleTemporaries.removeBelow(study.cache());
    List<RunResult> results = new ArrayList<>();
    try (ClipBackbone backbone = ClipBackbone.load(study.checkpoint(),
        new BackboneOptions(study.backbone().device(), Precision.FP32))) {
      FeatureStore store = new FeatureStore(study.cache(), backbone, study.backbone().batchSize());
      RunExecution execution = new RunExecution(study, backbone, store, data, listener);
      checkLearners(study, runs, backbone, data);
      int position = 0;
      // Per-run events go to the listener (the CLI prints one line per run); the log has them at DEBUG
      // so that a console does not show each run twice.
      for (PlannedRun run : runs) {
        position++;
        String tag = "[" + position + "/" + runs.size() + "] " + run.describe();
        Optional<RunFolder> lock = RunFolder.lock(run.folder());
        if (lock.isEmpty()) {
          LOG.debug("{}: skipped, another process holds {}", tag, run.folder().resolve(RunFolder.LOCK));
          listener.runSkipped(run, StudyListener.Skip.LOCKED);
          continue;
        }
        try (RunFolder held = lock.get()) {
          if (Files.exists(run.resultFile())) {
            RunResult existing = RunResult.read(run.resultFile());
            if (existing.diverged() && !options.retryDiverged()) {
              LOG.debug("{}: skipped, diverged before ({}); --retry-diverged runs it again", tag, run.resultFile());
              results.add(existing);
              listener.runSkipped(run, StudyListener.Skip.DIVERGED);
              continue;
            }
            if (existing.diverged()) {
              Path aside = moveAside(run);
              LOG.debug("{}: diverged before; its files moved to {}, starting it again from scratch", tag, aside);
              listener.runRetried(run, aside);
            } else {
              execution.checkFinished(run, existing);
              LOG.debug("{}: already finished ({})", tag, run.resultFile());
              results.add(existing);
              listener.runSkipped(run, StudyListener.Skip.FINISHED);
              continue;
            }
          }
          LOG.debug("{}: started in {}", tag, run.folder());
          listener.runStarted(run);
          RunResult result = execution.execute(run);
          result.write(run.resultFile());
          results.add(result);
          if (result.diverged()) {
            LOG.debug("[{}/{}] {}", position, runs.size(), describeDivergence(run, result));
            listener.runDiverged(run, result);
          } else {
            LOG.debug("{}: {} ({} s)", tag, summary(result),
                String.format(Locale.ROOT, "%.1f", result.timings().total()));
            listener.runFinished(run, result);
          }
        }
      }
      LOG.info("{}: done; feature cache {}", study, store.counts());
    }
    listener.studyFinished(study, results);
    return List.copyOf(results);
  }

  /**
   * Builds every variant's learner once per dataset it trains on, with all the dataset's class names
   * (base and new), before the first run: a setting that does not fit the backbone (a prompt depth
   * beyond its layers, a context that leaves no room for a class name) is reported for all variants
   * at once, before an hour of training, not when that learner's first run comes up.
   *
   * @throws InputException listing every learner that cannot be built, naming variant and dataset
   */
  static void checkLearners(Study study, List<PlannedRun> runs, ClipBackbone backbone, StudyData data) {
    java.util.Set<String> checked = new java.util.HashSet<>();
    List<String> problems = new ArrayList<>();
    for (PlannedRun run : runs) {
      if (!checked.add(run.variant().label() + "\n" + run.dataset())) {
        continue;
      }
      org.ckcoop.eval.data.DatasetSplits full = data.dataset(run.dataset());
      try (org.ckcoop.core.learner.PromptLearner learner =
          run.plan().newLearner(backbone, full.classNames(), full.template().text(), study.cache())) {
        learner.classNames(); // built: its settings fit this backbone and these class names
        String closed = closedSetProblem(study, run, learner, full, data);
        if (closed != null) {
          problems.add(run.variant().label() + " on " + full.name() + ": " + closed);
        }
        int views = run.plan().resolved().settings(StudyFile.FEATURES).trainViews();
        if (learner instanceof org.ckcoop.core.train.DirectFit && views > 0) {
          problems.add(run.variant().label() + " on " + full.name() + ": features.train_views is " + views + ", but"
              + " learner '" + run.variant().learner() + "' is fitted once, on the features of CLIP's test"
              + " preprocessing (as CoOp's lpclip extracts them); set features.train_views to 0 for it");
        }
      } catch (InputException e) {
        problems.add(run.variant().label() + " on " + full.name() + ": " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new InputException(study.experimentFile(), problems.size() + " learner(s) cannot be built for the study's"
          + " backbone and datasets, found before anything trained (nothing was written):\n  - "
          + String.join("\n  - ", problems));
    }
  }

  /**
   * Returns why a learner that classifies only the classes it was trained on (a linear probe:
   * {@code transfersToOtherClasses()} false) cannot run in this study's protocol, or null when it can:
   * base-to-new tests it on new classes; cross-dataset and domain generalization test it on each target's
   * classes, which must then be among the training dataset's (ImageNet-A and -R: 200 of ImageNet's
   * classes, by name).
   */
  static String closedSetProblem(Study study, PlannedRun run, org.ckcoop.core.learner.PromptLearner learner,
      org.ckcoop.eval.data.DatasetSplits full, StudyData data) {
    if (learner.transfersToOtherClasses()) {
      return null;
    }
    String why = "learner '" + run.variant().learner() + "' classifies only the classes it was trained on";
    if (study.protocol() == Protocol.BASE2NEW) {
      return why + ", and base-to-new tests it on the new classes; run it with protocol few-shot (CoOp reports"
          + " its linear probe in the few-shot setting)";
    }
    for (String target : run.targets()) {
      org.ckcoop.eval.data.DatasetSplits other = data.dataset(target);
      java.util.Set<String> known = new java.util.HashSet<>(full.classNames());
      List<String> unknown = other.classNames().stream().filter(c -> !known.contains(c)).toList();
      if (!unknown.isEmpty()) {
        return why + ", and target " + other.name() + " has " + unknown.size() + " class(es) that " + full.name()
            + " does not (e.g. '" + unknown.get(0) + "'); only targets whose classes are among the training"
            + " dataset's can test it";
      }
    }
    return null;
  }

  /** The name a diverged run's {@code run.json} gets when {@code --retry-diverged} moves it aside. */
  public static final String DIVERGED_RESULT = "diverged-run.json";

  /**
   * Moves a diverged run's files (all but the lock) into a new sibling folder {@code <folder>.diverged-<k>},
   * its {@code run.json} renamed {@link #DIVERGED_RESULT} (so reports no longer read it), leaving the
   * run folder clean for a fresh start.
   *
   * @return the folder the files went to
   */
  private static Path moveAside(PlannedRun run) {
    Path folder = run.folder();
    Path aside = null;
    try {
      for (int k = 1; aside == null; k++) {
        Path candidate = folder.resolveSibling(folder.getFileName() + ".diverged-" + k);
        if (!Files.exists(candidate)) {
          aside = Files.createDirectory(candidate);
        }
      }
      List<Path> entries;
      try (var list = Files.list(folder)) {
        entries = list.filter(p -> !p.getFileName().toString().equals(RunFolder.LOCK)).toList();
      }
      for (Path p : entries) {
        String name = p.getFileName().toString();
        Files.move(p, aside.resolve(name.equals(RunResult.FILE_NAME) ? DIVERGED_RESULT : name));
      }
      return aside;
    } catch (java.io.IOException e) {
      throw new InputException(folder, "cannot move the diverged run's files aside to "
          + (aside == null ? folder.getFileName() + ".diverged-<k>" : aside) + " for --retry-diverged: " + e.getMessage()
          + " (the files moved so far are there; nothing was deleted)", e);
    }
  }

  /**
   * Returns one line on a diverged run: {@code coop eurosat shots2 seed1: diverged in epoch 1, step 3 (last
   * finite loss 2.3026; no checkpoint kept); folder /results/...}.
   */
  public static String describeDivergence(PlannedRun run, RunResult result) {
    RunResult.Divergence d = result.divergence();
    String loss = d.lastFiniteLoss() == null ? "no finite loss seen"
        : String.format(Locale.ROOT, "last finite loss %.5g", d.lastFiniteLoss());
    String kept = d.checkpoint() == null ? "no checkpoint kept"
        : "checkpoint of epoch " + d.epochsDone() + " kept at " + d.checkpoint();
    return run.describe() + ": diverged in epoch " + d.epoch() + (d.step() > 0 ? ", step " + d.step() : " (at its end)")
        + " (" + loss + "; " + kept + "); folder " + run.folder();
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
