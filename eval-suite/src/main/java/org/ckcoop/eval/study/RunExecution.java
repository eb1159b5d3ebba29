package org.ckcoop.eval.study;

import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntConsumer;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.InputException;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.core.classify.Accuracy;
import org.ckcoop.core.classify.PromptClassifier;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.run.RunPlan;
import org.ckcoop.core.train.CachedFeatures;
import org.ckcoop.core.train.DirectFit;
import org.ckcoop.core.train.EncodedImages;
import org.ckcoop.core.train.TrainingData;
import org.ckcoop.core.train.RunProvenance;
import org.ckcoop.core.train.LearnerTrainer;
import org.ckcoop.core.train.TrainingDivergedException;
import org.ckcoop.core.train.TrainingListener;
import org.ckcoop.core.train.TrainingResult;
import org.ckcoop.eval.data.DatasetSplits;
import org.ckcoop.eval.data.Datum;
import org.ckcoop.eval.data.FewShotSplit;
import org.ckcoop.eval.data.Subsample;
import org.ckcoop.eval.features.FeatureStore;
import org.ckcoop.eval.features.FeatureView;
import org.ckcoop.eval.result.RunResult;

/**
 * Carries out one run: the training split of the protocol, the learner trained from cached features
 * (resuming from the run folder's checkpoint), every test set of the protocol evaluated, the result
 * assembled. Also checks that a finished run's {@code run.json} belongs to the planned run.
 */
final class RunExecution {
  private final Study study;
  private final ClipBackbone backbone;
  private final FeatureStore store;
  private final StudyData data;
  private final StudyListener listener;
  private final int width;

  RunExecution(Study study, ClipBackbone backbone, FeatureStore store, StudyData data, StudyListener listener) {
    this.study = study;
    this.backbone = backbone;
    this.store = store;
    this.data = data;
    this.listener = listener;
    this.width = backbone.architecture().embedDim();
  }

  /**
   * Checks that an existing result is this run's: same config hash, backbone and training split.
   *
   * @throws InputException naming the file and what differs
   */
  void checkFinished(PlannedRun run, RunResult existing) {
    RunProvenance p = existing.provenance();
    String remedy = "; to keep it, run the study with another --output; to replace it, move " + run.folder()
        + " away";
    if (!run.configHash().equals(p.configHash())) {
      throw new InputException(run.resultFile(), "holds a result of another config (hash " + p.configHash()
          + ", this run's is " + run.configHash() + ")" + remedy);
    }
    if (!backbone.identity().equals(p.backboneIdentity())) {
      throw new InputException(run.resultFile(), "was produced with another backbone (identity "
          + p.backboneIdentity() + ", " + study.checkpoint() + " is " + backbone.identity() + ")" + remedy);
    }
    FewShotSplit split = data.split(run);
    if (!split.identity().equals(p.dataIdentity())) {
      throw new InputException(run.resultFile(), "was trained on another split (identity " + p.dataIdentity()
          + ", this run's split " + split.file().map(Path::toString).orElse(split.splits().name()) + " is "
          + split.identity() + ")" + remedy);
    }
  }

  /** Runs the run in its (locked) folder and returns its result; the caller writes it. */
  RunResult execute(PlannedRun run) {
    long start = System.nanoTime();
    Timer timer = new Timer();
    RunPlan plan = run.plan();
    Protocol protocol = study.protocol();
    FewShotSplit split = data.split(run);
    DatasetSplits full = data.dataset(run.dataset());
    DatasetSplits train = protocol == Protocol.BASE2NEW ? split.subsample(Subsample.BASE) : split.splits();
    List<RunResult.TestResult> tests = new ArrayList<>();
    RunProvenance provenance = plan.provenance(backbone, split.identity());
    RunResult.Training training = null;
    boolean trains;
    try (PromptLearner learner = plan.newLearner(backbone, train.classNames(), train.template().text(), study.cache())) {
      boolean fits = learner instanceof DirectFit; // fitted once (the linear probe), with the validation split
      trains = fits || !learner.trainableParameters().isEmpty();
      if (trains) {
        TrainingData features = timer.features(() -> learner.usesCachedFeatures() ? trainingFeatures(run, train, fits)
            : trainingImages(run, train));
        TrainingListener progress = listener.training(run);
        try {
          TrainingResult trained = timer.train(() -> plan.train(learner, backbone, features, provenance, run.folder(),
              true, progress == null ? List.of() : List.of(progress)));
          training = new RunResult.Training(trained.epochs(), trained.finalLoss(), trained.resumed(),
              trained.stateFile().getFileName().toString(), features.identity(), trained.metrics());
        } catch (TrainingDivergedException e) {
          return diverged(run, split, full, train, e, timer, start, provenance);
        } catch (InputException e) {
          throw namingRunFiles(run, e);
        }
      } else {
        plan.writeResolvedConfig(run.folder());
      }
      switch (protocol) {
        case BASE2NEW -> {
          tests.add(evaluate(run, timer, learner, full, train, "base"));
          DatasetSplits novel = split.subsample(Subsample.NEW);
          learner.setClassNames(novel.classNames());
          tests.add(evaluate(run, timer, learner, full, novel, "new"));
        }
        case FEW_SHOT -> tests.add(evaluate(run, timer, learner, full, split.splits(), "all"));
        case CROSS_DATASET, DOMAIN_GENERALIZATION -> {
          tests.add(evaluate(run, timer, learner, full, split.splits(), "all"));
          Map<String, FloatTensor> state = state(learner);
          for (String id : run.targets()) {
            DatasetSplits target = data.dataset(id);
            if (!learner.transfersToOtherClasses()) {
              // a closed-set learner (the linear probe) keeps its fitted rows: it selects the target's
              // classes, a subset of its own (ImageNet-A and -R take 200 of ImageNet's 1000)
              learner.setClassNames(target.classNames());
              tests.add(evaluate(run, timer, learner, target, target, "all"));
              learner.setClassNames(train.classNames());
              continue;
            }
            try (PromptLearner transferred = plan.newLearner(backbone, target.classNames(), target.template().text(),
                study.cache())) {
              transferred.loadState(state);
              tests.add(evaluate(run, timer, transferred, target, target, "all"));
            }
          }
        }
        default -> throw new IllegalStateException("unknown protocol " + protocol);
      }
    }
    double total = (System.nanoTime() - start) / 1e9;
    return new RunResult(RunResult.FORMAT, study.name(), protocol.label(), plan.factory().name(), run.variant().label(),
        new TreeMap<>(run.variant().overrides()), trains ? train.name() : "", run.shots(), run.seed(),
        new RunResult.BackboneInfo(backbone.identity(), backbone.architecture().describe(), study.backboneName()),
        tests, provenance, split.source().toMap(),
        new RunResult.Timings(timer.features, timer.train, timer.evaluate, total), RunResult.FINISHED, null, training,
        variantOrder());
  }

  /** The study's variant labels in its order (the report's column order). */
  private List<String> variantOrder() {
    return study.variants().stream().map(v -> v.label()).toList();
  }

  /**
   * The result of a run whose training diverged: no test numbers, the test sets it would have been
   * evaluated on, and where it diverged.
   */
  private RunResult diverged(PlannedRun run, FewShotSplit split, DatasetSplits full, DatasetSplits train,
      TrainingDivergedException e, Timer timer, long start, RunProvenance provenance) {
    List<RunResult.TestSet> sets = new ArrayList<>();
    switch (study.protocol()) {
      case BASE2NEW -> {
        sets.add(new RunResult.TestSet(full.name(), "base"));
        sets.add(new RunResult.TestSet(full.name(), "new"));
      }
      case FEW_SHOT -> sets.add(new RunResult.TestSet(full.name(), "all"));
      case CROSS_DATASET, DOMAIN_GENERALIZATION -> {
        sets.add(new RunResult.TestSet(full.name(), "all"));
        run.targets().forEach(id -> sets.add(new RunResult.TestSet(data.dataset(id).name(), "all")));
      }
      default -> throw new IllegalStateException("unknown protocol " + study.protocol());
    }
    double loss = e.lastFiniteLoss();
    RunResult.Divergence divergence = new RunResult.Divergence(e.epoch(), e.step(), e.epochsDone(),
        Double.isFinite(loss) ? loss : null, e.checkpoint().map(p -> p.toAbsolutePath().toString()).orElse(null),
        e.getMessage(), sets);
    double total = (System.nanoTime() - start) / 1e9;
    RunPlan plan = run.plan();
    return new RunResult(RunResult.FORMAT, study.name(), study.protocol().label(), plan.factory().name(),
        run.variant().label(), new TreeMap<>(run.variant().overrides()), train.name(), run.shots(), run.seed(),
        new RunResult.BackboneInfo(backbone.identity(), backbone.architecture().describe(), study.backboneName()),
        List.of(), provenance, split.source().toMap(), new RunResult.Timings(timer.features, timer.train, 0,
        total), RunResult.DIVERGED, divergence, null, variantOrder());
  }

  /**
   * Returns an error about a run's files (its checkpoint, learner state, results) that names the run
   * folder and the file: the trainer's messages name the tensor but not always the file.
   */
  static InputException namingRunFiles(PlannedRun run, InputException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (message.contains(run.folder().toString())) {
      return message.contains("(run ") || e.where().isEmpty() ? e
          : new InputException(e.where() + " (run " + run.describe() + ")", e.problem(), e);
    }
    Path checkpoint = run.folder().resolve(LearnerTrainer.CHECKPOINT);
    String file = java.nio.file.Files.exists(checkpoint) ? checkpoint.toString()
        : run.folder() + " (run folder)";
    return new InputException(file + " (run " + run.describe() + ")", message, e);
  }

  /**
   * The training examples as images, for a learner with prompts in the image tower: CoOp's train
   * augmentation drawn per step from {@code (seed, example, epoch)} (the feature cache's views do not
   * apply: the image tower runs every step).
   */
  private TrainingData trainingImages(PlannedRun run, DatasetSplits train) {
    List<Path> images = paths(train.train());
    if (images.isEmpty()) {
      throw new InputException(train.name(), "has no training images to train " + run.variant().learner() + " on");
    }
    return new EncodedImages(backbone, images, labels(train.train()), true, run.seed());
  }

  /**
   * The training examples' features: one view of CLIP's test preprocessing, or N augmented views; with
   * {@code validation}, the validation examples' test-preprocessing features too (for a
   * {@link DirectFit} learner, which chooses its hyperparameters on them).
   */
  private CachedFeatures trainingFeatures(PlannedRun run, DatasetSplits train, boolean validation) {
    List<Path> images = paths(train.train());
    if (images.isEmpty()) {
      throw new InputException(train.name(), "has no training images to train " + run.variant().learner() + " on");
    }
    int views = run.plan().resolved().settings(StudyFile.FEATURES).trainViews();
    float[][] features = new float[Math.max(1, views)][];
    for (int v = 0; v < features.length; v++) {
      FeatureView view = views == 0 ? FeatureView.TEST : FeatureView.augmented(run.seed(), v);
      features[v] = store.features(images, view, progress(run, train.name() + " train (" + view + ")", images.size()));
    }
    CachedFeatures examples = new CachedFeatures(features, labels(train.train()), width);
    if (!validation || train.val().isEmpty()) {
      return examples;
    }
    List<Path> val = paths(train.val());
    float[] valFeatures = store.features(val, FeatureView.TEST, progress(run, train.name() + " val", val.size()));
    return examples.withValidation(new CachedFeatures(valFeatures, labels(train.val()), width));
  }

  /**
   * Evaluates a learner on the test part of {@code subset}, whose images are among the test images of
   * {@code source} (the whole dataset, encoded once for all subsets, learners and seeds).
   */
  private RunResult.TestResult evaluate(PlannedRun run, Timer timer, PromptLearner learner, DatasetSplits source,
      DatasetSplits subset, String subsetName) {
    List<Path> all = paths(source.test());
    float[] allFeatures = timer.features(() -> store.features(all, FeatureView.TEST,
        progress(run, source.name() + " test", all.size())));
    Map<Path, Integer> rows = new HashMap<>();
    for (int i = 0; i < all.size(); i++) {
      rows.putIfAbsent(all.get(i), i);
    }
    List<Datum> test = subset.test();
    if (test.isEmpty()) {
      throw new InputException(source.name(), "has no test images" + (subsetName.equals("all") ? "" : " in its "
          + subsetName + " classes"));
    }
    float[] features = new float[test.size() * width];
    for (int i = 0; i < test.size(); i++) {
      Integer row = rows.get(test.get(i).image());
      if (row == null) {
        throw new IllegalStateException(test.get(i).image() + " is not a test image of " + source.name());
      }
      System.arraycopy(allFeatures, row * width, features, i * width, width);
    }
    int[] labels = labels(test);
    int classes = learner.classNames().size();
    List<Path> testImages = paths(test);
    float[] logits = timer.evaluate(() -> PromptClassifier.logits(learner, backbone, testImages, features,
        run.plan().train().evalBatchSize()));
    for (int i = 0; i < logits.length; i++) {
      if (!Float.isFinite(logits[i])) {
        int row = i / classes;
        boolean badFeature = !allFinite(features, row * width, width);
        throw new InputException(run.folder() + " (run " + run.describe() + ")", "the logits of test image "
            + test.get(row).image() + " (" + source.name() + "/" + subsetName + ", row " + row + ", class "
            + (i % classes) + ") are " + logits[i] + (badFeature ? "; its cached image feature is not finite"
            : "; the learner's text features are not finite") + ". Nothing was scored (an argmax over NaN would"
            + " pick class 0)");
      }
    }
    Accuracy accuracy = Accuracy.of(logits, labels, classes);
    TreeMap<String, Double> perClass = new TreeMap<>();
    List<String> names = subset.classNames();
    for (int c = 0; c < names.size(); c++) {
      if (!Double.isNaN(accuracy.perClass()[c])) {
        perClass.put(names.get(c), accuracy.perClass()[c]);
      }
    }
    return new RunResult.TestResult(source.name(), subsetName, source.sourceHash(), names.size(), labels.length,
        accuracy.top1(), accuracy.meanPerClass(), perClass);
  }

  private IntConsumer progress(PlannedRun run, String what, int images) {
    return new IntConsumer() {
      private IntConsumer target;
      private boolean asked;

      @Override
      public void accept(int done) {
        if (!asked) {
          asked = true;
          target = listener.encoding(run, what, images);
        }
        if (target != null) {
          target.accept(done);
        }
      }
    };
  }

  private static Map<String, FloatTensor> state(PromptLearner learner) {
    Map<String, FloatTensor> state = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : learner.stateTensors().entrySet()) {
      state.put(e.getKey(), new FloatTensor(e.getValue().getShape().getShape(), e.getValue().toFloatArray()));
    }
    return state;
  }

  private static boolean allFinite(float[] values, int from, int length) {
    for (int i = from; i < from + length; i++) {
      if (!Float.isFinite(values[i])) {
        return false;
      }
    }
    return true;
  }

  private static List<Path> paths(List<Datum> data) {
    return data.stream().map(Datum::image).toList();
  }

  private static int[] labels(List<Datum> data) {
    return data.stream().mapToInt(Datum::label).toArray();
  }

  /** Wall-clock seconds per phase. */
  private static final class Timer {
    double features;
    double train;
    double evaluate;

    <T> T features(java.util.function.Supplier<T> work) {
      long t = System.nanoTime();
      try {
        return work.get();
      } finally {
        features += (System.nanoTime() - t) / 1e9;
      }
    }

    <T> T train(java.util.function.Supplier<T> work) {
      long t = System.nanoTime();
      try {
        return work.get();
      } finally {
        train += (System.nanoTime() - t) / 1e9;
      }
    }

    <T> T evaluate(java.util.function.Supplier<T> work) {
      long t = System.nanoTime();
      try {
        return work.get();
      } finally {
        evaluate += (System.nanoTime() - t) / 1e9;
      }
    }
  }
}
