package org.ckcoop.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.common.InputException;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.backbone.safetensors.SafetensorsFile;
import org.ckcoop.backbone.safetensors.SafetensorsWriter;
import org.ckcoop.backbone.safetensors.StorageType;
import org.ckcoop.backbone.safetensors.TensorEntry;
import org.ckcoop.core.learner.LearnerStateFile;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.learner.StateCheck;
import org.ckcoop.core.optim.LearningRateSchedule;
import org.ckcoop.core.optim.Optimizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ckcoop.common.engine.EngineArrays;

/**
 * Trains any {@link PromptLearner} on labelled image features with one recipe, so that a comparison
 * of learners compares learners and nothing else.
 *
 * <p>Per epoch: the learning rate from the schedule, a shuffle drawn from {@code (seed, epoch)}
 * alone, steps of {@code batchSize} examples (the last incomplete batch dropped when configured),
 * each step cross-entropy over {@code exp(logit_scale) * cos(image, text)} plus the learner's own
 * loss term, gradients to the learner's trainable tensors only, an optimiser update on the device. After
 * each epoch a checkpoint (learner state, optimiser state, history) is written atomically to
 * {@code <run>/checkpoint.safetensors}; a resumed run continues from it and ends bit-identical to an
 * uninterrupted one. A NaN or infinite loss stops the run before the bad update, keeping the last
 * good checkpoint.
 *
 * <p>A learner that implements {@link DirectFit} (the linear probe) is fitted once on the whole training
 * set, with the validation examples of {@link TrainingData#validation()}, instead of by epochs; its
 * run folder receives the same files (a checkpoint with the fitted state, one metrics line, the state)
 * plus {@value #FIT_REPORT}.
 *
 * <p>The run folder also receives {@code train.log} (a human-readable log, appended across resumes),
 * {@code metrics.jsonl} (one JSON object per epoch) and, at the end, {@code learner-state.safetensors}.
 * The trainer writes no result record: it returns a {@link TrainingResult}, and the caller that also
 * tests the learner (eval-suite's study runner) writes the run's one record, {@code run.json}.
 *
 * <p>A checkpoint records {@code training_examples_identity}: the content hash of the training
 * examples as the trainer sees them ({@link TrainingData#identity()}: features or images and labels),
 * so that a resume on other examples fails; it is not the split identity of the run's provenance.
 */
public final class LearnerTrainer {
  /** The checkpoint file name inside a run folder. */
  public static final String CHECKPOINT = "checkpoint.safetensors";
  /** The final learner state file name inside a run folder. */
  public static final String STATE = "learner-state.safetensors";

  private static final Logger LOG = LoggerFactory.getLogger(LearnerTrainer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OptimSettings optim;
  private final TrainSettings train;

  /** Creates a trainer with the given recipe. */
  public LearnerTrainer(OptimSettings optim, TrainSettings train) {
    this.optim = optim;
    this.train = train;
  }

  /**
   * What to train and where.
   *
   * @param learner the learner (its state is updated in place)
   * @param backbone the frozen backbone (its logit scale is used)
   * @param data the training examples
   * @param runDirectory where checkpoints, logs, metrics, the state and the result go
   * @param provenance the run's provenance (config hash, identities, seed, versions)
   * @param resume continue from the run folder's checkpoint; without it an existing checkpoint is an error
   * @param listeners progress receivers
   */
  public record Job(
      PromptLearner learner,
      ClipBackbone backbone,
      TrainingData data,
      Path runDirectory,
      RunProvenance provenance,
      boolean resume,
      List<TrainingListener> listeners) {}

  /** Returns the number of optimisation steps per epoch for {@code examples} examples. */
  public int stepsPerEpoch(int examples) {
    boolean drop = train.dropLast() && examples >= train.batchSize();
    return drop ? examples / train.batchSize() : (examples + train.batchSize() - 1) / train.batchSize();
  }

  /**
   * Returns the order of the examples in epoch {@code epoch}: a permutation drawn from the seed and
   * the epoch alone (so a resumed run draws the same orders).
   */
  public int[] order(int examples, int epoch) {
    SplittableRandom random = new SplittableRandom(train.seed() * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L * (epoch + 1));
    int[] order = new int[examples];
    for (int i = 0; i < examples; i++) {
      order[i] = i;
    }
    for (int i = examples - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /**
   * Trains, resuming from the run folder's checkpoint when asked.
   *
   * @throws InputException when the run folder holds a checkpoint and {@code resume} is false, or a
   *     checkpoint of a different config, backbone or data
   * @throws TrainingDivergedException when the loss becomes NaN or infinite
   */
  public TrainingResult train(Job job) {
    Path run = job.runDirectory();
    try {
      Files.createDirectories(run);
    } catch (IOException e) {
      throw new InputException(run, "cannot create the run folder: " + e.getMessage(), e);
    }
    PromptLearner learner = job.learner();
    if (learner instanceof DirectFit fit) {
      return fitDirectly(job, run, learner, fit);
    }
    if (learner.trainableParameters().isEmpty()) {
      throw new InputException("learner.name", "learner '" + job.provenance().learner()
          + "' has nothing to train (0 learnable parameters); evaluate it directly instead");
    }
    try (Optimizer optimizer = optim.newOptimizer(job.backbone().device())) {
      return train(job, run, learner, optimizer);
    }
  }

  private TrainingResult train(Job job, Path run, PromptLearner learner, Optimizer optimizer) {
    List<EpochSummary> history = new ArrayList<>();
    Path checkpoint = run.resolve(CHECKPOINT);
    boolean resumed = false;
    double initialNorm = Double.NaN;
    if (Files.exists(checkpoint)) {
      if (!job.resume()) {
        throw new InputException(run, "already holds a checkpoint (" + CHECKPOINT + ") of an earlier run;"
            + " resume it, or choose another run folder (nothing was overwritten)");
      }
      Restored restored = restore(checkpoint, job, optimizer);
      history.addAll(restored.history());
      initialNorm = restored.initialNorm();
      resumed = true;
      for (TrainingListener l : job.listeners()) {
        l.onResume(history.size(), train.epochs());
      }
      log(run, "resumed from " + CHECKPOINT + " after epoch " + history.size() + " of " + train.epochs());
    } else {
      log(run, "started: learner " + job.provenance().learner() + ", config " + job.provenance().configHash()
          + ", backbone " + job.provenance().backboneIdentity() + ", split " + job.provenance().dataIdentity()
          + ", training examples " + job.data().identity()
          + ", " + learner.learnableParameterCount() + " learnable parameters");
    }
    rewriteMetrics(run, history);
    if (!resumed) {
      initialNorm = StateCheck.norm(values(learner.trainableParameters()));
    }
    LearningRateSchedule schedule = optim.schedule(train.epochs());
    for (int epoch = history.size(); epoch < train.epochs(); epoch++) {
      EpochSummary summary = runEpoch(job, optimizer, epoch, schedule.at(epoch), history);
      learner.onEpochEnd(epoch, train.epochs());
      Map<String, float[]> learnerState = values(learner.stateTensors());
      Map<String, float[]> optimizerState = optimizer.state();
      String problem = StateCheck.problem(learnerState, learner.trainableParameters().keySet(), optimizerState,
          initialNorm, train.maxStateGrowth());
      if (problem != null) {
        throw diverged(job, epoch + 1, 0, history, summary.loss(),
            String.format(Locale.ROOT, "training diverged: after epoch %d %s; this epoch's checkpoint was not written",
                epoch + 1, problem));
      }
      history.add(summary);
      writeCheckpoint(checkpoint, job, learnerState, optimizerState, history, initialNorm, train.epochs());
      appendMetrics(run, summary);
      log(run, String.format(Locale.ROOT, "epoch %d/%d lr %.6g loss %.5f acc %.2f%% (%d steps, %.1f s)",
          epoch + 1, train.epochs(), summary.learningRate(), summary.loss(), summary.accuracy(), summary.steps(),
          summary.seconds()));
      for (TrainingListener l : job.listeners()) {
        l.onEpochEnd(summary);
      }
    }
    Path stateFile = run.resolve(STATE);
    LearnerStateFile.of(job.provenance().learner(), learner, learnerConfig(job), job.provenance().backboneIdentity())
        .write(stateFile);
    TrainingResult result = new TrainingResult(job.provenance(), train.epochs(), List.copyOf(history), stateFile, resumed);
    log(run, "finished: " + train.epochs() + " epochs, final loss " + String.format(Locale.ROOT, "%.5f", result.finalLoss()));
    return result;
  }

  /** The file a {@link DirectFit}'s {@link FitReport} is written to inside a run folder. */
  public static final String FIT_REPORT = "fit.json";

  /**
   * A {@link DirectFit} learner's run: one fit instead of epochs (or, resuming, the fitted state from
   * the checkpoint), then the same files as any run, with one history entry.
   */
  private TrainingResult fitDirectly(Job job, Path run, PromptLearner learner, DirectFit fit) {
    Path checkpoint = run.resolve(CHECKPOINT);
    List<EpochSummary> history = new ArrayList<>();
    boolean resumed = false;
    java.util.SortedMap<String, Double> metrics = null;
    if (Files.exists(checkpoint)) {
      if (!job.resume()) {
        throw new InputException(run, "already holds a checkpoint (" + CHECKPOINT + ") of an earlier run;"
            + " resume it, or choose another run folder (nothing was overwritten)");
      }
      history.addAll(restore(checkpoint, job, null).history());
      metrics = fitMetrics(run.resolve(FIT_REPORT)); // written before the checkpoint
      resumed = true;
      for (TrainingListener l : job.listeners()) {
        l.onResume(history.size(), 1);
      }
      log(run, "resumed from " + CHECKPOINT + ": the fitted state, nothing to fit again");
    }
    if (history.isEmpty()) {
      log(run, "started: learner " + job.provenance().learner() + ", config " + job.provenance().configHash()
          + ", backbone " + job.provenance().backboneIdentity() + ", split " + job.provenance().dataIdentity()
          + ", training examples " + job.data().identity() + ", fitted directly (" + job.data().size() + " training examples, "
          + (job.data().validation() == null ? "no" : Integer.toString(job.data().validation().size()))
          + " validation examples)");
      rewriteMetrics(run, history);
      for (TrainingListener l : job.listeners()) {
        l.onEpochStart(0, 1, 1, 0.0);
      }
      long start = System.nanoTime();
      FitReport report = fit.fit(job.data(), job.data().validation());
      metrics = report.metrics();
      EpochSummary summary = new EpochSummary(0, 0.0, report.loss(), report.accuracy(), report.iterations(),
          (System.nanoTime() - start) / 1e9);
      report.log().forEach(line -> log(run, line));
      Map<String, float[]> learnerState = values(learner.stateTensors());
      for (Map.Entry<String, float[]> e : learnerState.entrySet()) {
        for (float v : e.getValue()) {
          if (!Float.isFinite(v)) {
            throw diverged(job, 1, 0, history, report.loss(), "the fit diverged: its state tensor '" + e.getKey()
                + "' is not finite; no checkpoint was written");
          }
        }
      }
      history.add(summary);
      // The checkpoint is the commit marker: the fit report and the metrics line first, so that a process
      // killed in between leaves no checkpoint (the resume fits again) rather than one without its report.
      try {
        org.ckcoop.common.files.AtomicWrite.bytes(run.resolve(FIT_REPORT),
            JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(report));
        Map<String, Object> line = new LinkedHashMap<>(JSON.convertValue(summary, Map.class));
        line.put("fit", report.metrics());
        append(run.resolve("metrics.jsonl"), JSON.writeValueAsString(line));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the fit's metrics in " + run, e);
      }
      writeCheckpoint(checkpoint, job, learnerState, Map.of(), history, Double.NaN, 1);
      log(run, String.format(Locale.ROOT, "fitted: objective %.6g, training accuracy %.2f%%, %d iterations, %.1f s%s",
          summary.loss(), summary.accuracy(), summary.steps(), summary.seconds(), report.metrics().isEmpty() ? ""
              : ", " + report.metrics()));
      for (TrainingListener l : job.listeners()) {
        l.onStep(0, 0, 1, summary.loss(), summary.accuracy());
        l.onEpochEnd(summary);
      }
    }
    Path stateFile = run.resolve(STATE);
    LearnerStateFile.of(job.provenance().learner(), learner, learnerConfig(job), job.provenance().backboneIdentity())
        .write(stateFile);
    TrainingResult result = new TrainingResult(job.provenance(), 1, List.copyOf(history), stateFile, resumed, metrics);
    log(run, "finished: fitted directly, objective " + String.format(Locale.ROOT, "%.6g", result.finalLoss()));
    return result;
  }

  /** The metrics of the fit report an earlier process wrote in this run folder (for a resumed run). */
  private static java.util.SortedMap<String, Double> fitMetrics(Path file) {
    try {
      FitReport report = JSON.readValue(file.toFile(), FitReport.class);
      return report.metrics();
    } catch (IOException e) {
      throw new InputException(file, "cannot read the fit report: " + e.getMessage(), e);
    }
  }

  private static Map<String, String> learnerConfig(Job job) {
    Map<String, String> learnerConfig = new TreeMap<>();
    job.provenance().resolvedConfig().forEach((k, v) -> {
      if (k.startsWith("learner.")) {
        learnerConfig.put(k, v);
      }
    });
    return learnerConfig;
  }

  private EpochSummary runEpoch(Job job, Optimizer optimizer, int epoch, double lr, List<EpochSummary> history) {
    long start = System.nanoTime();
    TrainingData data = job.data();
    int batch = train.batchSize();
    int steps = stepsPerEpoch(data.size());
    int[] order = order(data.size(), epoch);
    int width = data.featureWidth();
    boolean pixelsNeeded = !job.learner().usesCachedFeatures();
    if (pixelsNeeded && !data.hasPixels()) {
      throw new InputException("learner.name", "learner '" + job.provenance().learner() + "' puts prompts into the"
          + " image tower and trains from images, but these training examples are cached features only");
    }
    int resolution = job.backbone().architecture().imageResolution();
    for (TrainingListener l : job.listeners()) {
      l.onEpochStart(epoch, train.epochs(), steps, lr);
    }
    double lossSum = 0;
    double lastFinite = history.isEmpty() ? Double.NaN : history.get(history.size() - 1).loss();
    int correct = 0;
    int seen = 0;
    Map<String, NDArray> parameters = job.learner().trainableParameters();
    try (NDManager root = EngineRuntime.engine().newBaseManager(job.backbone().device())) {
      for (int step = 0; step < steps; step++) {
        int from = step * batch;
        int n = Math.min(data.size(), from + batch) - from;
        float[] features = pixelsNeeded ? null : new float[n * width];
        float[] pixelValues = pixelsNeeded ? new float[n * 3 * resolution * resolution] : null;
        long[] labels = new long[n];
        int[] examples = java.util.Arrays.copyOfRange(order, from, from + n);
        if (pixelsNeeded) {
          data.pixels(examples, epoch, pixelValues, 0);
        } else {
          data.features(examples, epoch, features, 0);
        }
        for (int i = 0; i < n; i++) {
          labels[i] = data.label(examples[i]);
        }
        float loss;
        int hits = 0;
        try (NDManager manager = root.newSubManager()) {
          NDArray pixels = pixelsNeeded ? EngineArrays.of(manager, pixelValues, new Shape(n, 3, resolution, resolution)) : null;
          // the frozen model's features of the same views (what cached features are for the others)
          // (only for learners that ask for it: PromptSRC does, MaPLe and IVLP do not)
          NDArray image = pixelsNeeded ? (job.learner().needsFrozenImageFeatures() ? job.backbone().encodeImages(pixels) : null)
              : EngineArrays.of(manager, features, new Shape(n, width));
          NDArray target = EngineArrays.of(manager, labels, new Shape(n));
          Map<String, NDArray> gradients;
          try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            StepLoss forward = StepLoss.forward(job.learner(), manager, image, pixels, target);
            gradients = forward.backward(collector, job.learner(), manager);
            loss = forward.total().getFloat();
            long[] predicted = forward.logits().argMax(1).toLongArray();
            for (int i = 0; i < n; i++) {
              hits += predicted[i] == labels[i] ? 1 : 0;
            }
          }
          if (!Float.isFinite(loss) || !allFinite(gradients)) {
            throw diverged(job, epoch + 1, step + 1, history, lastFinite, String.format(Locale.ROOT,
                "training diverged: the loss is %s at epoch %d, step %d (lr %.6g)%s; the update was not applied",
                loss, epoch + 1, step + 1, lr, Float.isFinite(loss) ? " and a gradient is not finite" : ""));
          }
          optimizer.step(parameters, gradients, lr);
          StepLoss.zero(StepLoss.accumulated(parameters, manager)); // the next step starts from zero
        }
        lossSum += loss;
        lastFinite = loss;
        correct += hits;
        seen += n;
        for (TrainingListener l : job.listeners()) {
          l.onStep(epoch, step, steps, loss, 100.0 * correct / seen);
        }
      }
    }
    return new EpochSummary(epoch, lr, steps == 0 ? Double.NaN : lossSum / steps,
        seen == 0 ? Double.NaN : 100.0 * correct / seen, steps, (System.nanoTime() - start) / 1e9);
  }

  /** The exception for a divergence found at {@code epoch} (1-based), {@code step} (0: at the epoch's end). */
  private static TrainingDivergedException diverged(
      Job job, int epoch, int step, List<EpochSummary> history, double lastFinite, String what) {
    Path checkpoint = job.runDirectory().resolve(CHECKPOINT);
    int done = history.size();
    return new TrainingDivergedException(what + ". "
        + (done > 0 ? "The last good checkpoint (epoch " + done + ") is kept at " + checkpoint
            : "No epoch had finished, so there is no checkpoint")
        + ". Lower optim.lr or check the data.", epoch, step, done, lastFinite, done > 0 ? checkpoint : null);
  }

  private static Map<String, float[]> values(Map<String, NDArray> arrays) {
    Map<String, float[]> out = new LinkedHashMap<>();
    arrays.forEach((name, array) -> out.put(name, array.toFloatArray()));
    return out;
  }

  private static boolean allFinite(Map<String, NDArray> gradients) {
    for (NDArray g : gradients.values()) {
      if (g.isNaN().any().getBoolean() || g.isInfinite().any().getBoolean()) {
        return false;
      }
    }
    return true;
  }

  private void writeCheckpoint(Path file, Job job, Map<String, float[]> learnerState, Map<String, float[]> optimizerState,
      List<EpochSummary> history, double initialNorm, int epochs) {
    SafetensorsWriter writer = new SafetensorsWriter()
        .putMetadata("format", "ckcoop-checkpoint/1")
        .putMetadata("epochs_done", Integer.toString(history.size()))
        .putMetadata("epochs", Integer.toString(epochs))
        .putMetadata("learner", job.provenance().learner())
        .putMetadata("config_hash", job.provenance().configHash())
        .putMetadata("backbone_identity", job.provenance().backboneIdentity())
        .putMetadata("training_examples_identity", job.data().identity())
        .putMetadata("history", json(history))
        .putMetadata("initial_state_norm", Double.toString(initialNorm))
        .putMetadata("written", Instant.now().toString());
    Map<String, NDArray> arrays = job.learner().stateTensors();
    learnerState.forEach((name, values) ->
        writer.addFloats("learner." + name, values, arrays.get(name).getShape().getShape(), StorageType.F32));
    optimizerState.forEach((name, values) ->
        writer.addFloats("optimizer." + name, values, new long[] {values.length}, StorageType.F32));
    writer.write(file);
  }

  /** What a checkpoint restores besides the learner's and optimiser's state. */
  private record Restored(List<EpochSummary> history, double initialNorm) {}

  private Restored restore(Path file, Job job, Optimizer optimizer) {
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      Map<String, String> meta = f.metadata();
      expectSame(file, "config hash", meta.get("config_hash"), job.provenance().configHash(),
          "the resolved config differs from the one the run started with");
      expectSame(file, "backbone identity", meta.get("backbone_identity"), job.provenance().backboneIdentity(),
          "it was trained on another backbone");
      // Checkpoints written before the key was renamed call it data_identity (same meaning).
      String examples = meta.containsKey("training_examples_identity") ? meta.get("training_examples_identity")
          : meta.get("data_identity");
      expectSame(file, "training examples identity", examples, job.data().identity(),
          "it was trained on other training examples");
      Map<String, FloatTensor> learnerState = new LinkedHashMap<>();
      Map<String, float[]> optimizerState = new LinkedHashMap<>();
      for (TensorEntry e : f.entries().values()) {
        float[] values = f.readFloats(e.name());
        StateCheck.requireFinite(file, e.name(), values);
        if (e.name().startsWith("learner.")) {
          learnerState.put(e.name().substring(8), new FloatTensor(e.shape(), values));
        } else if (e.name().startsWith("optimizer.")) {
          optimizerState.put(e.name().substring(10), values);
        }
      }
      try {
        job.learner().loadState(learnerState);
        if (optimizer != null) { // null: a direct fit's checkpoint, which has no optimiser
          optimizer.loadState(optimizerState);
        }
      } catch (InputException | IllegalArgumentException e) {
        throw new InputException(file, "cannot resume from this checkpoint: " + e.getMessage(), e);
      }
      List<EpochSummary> history = new ArrayList<>(List.of(JSON.readValue(meta.get("history"), EpochSummary[].class)));
      String norm = meta.get("initial_state_norm");
      return new Restored(history, norm == null ? StateCheck.norm(values(job.learner().trainableParameters()))
          : Double.parseDouble(norm));
    } catch (JsonProcessingException e) {
      throw new InputException(file, "corrupt checkpoint history: " + e.getOriginalMessage(), e);
    }
  }

  private static void expectSame(Path file, String what, String stored, String current, String meaning) {
    if (!current.equals(stored)) {
      throw new InputException(file, "cannot resume: the checkpoint's " + what + " is " + stored + " but this run's is "
          + current + " (" + meaning + "); start a new run folder instead");
    }
  }

  private static void rewriteMetrics(Path run, List<EpochSummary> history) {
    StringBuilder lines = new StringBuilder();
    history.forEach(s -> lines.append(json(s)).append('\n'));
    try {
      Files.writeString(run.resolve("metrics.jsonl"), lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void appendMetrics(Path run, EpochSummary summary) {
    append(run.resolve("metrics.jsonl"), json(summary));
  }

  private static void log(Path run, String message) {
    LOG.info(message);
    append(run.resolve("train.log"), Instant.now() + " " + message);
  }

  private static void append(Path file, String line) {
    try {
      Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
