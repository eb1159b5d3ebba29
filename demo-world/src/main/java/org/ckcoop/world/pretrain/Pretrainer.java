package org.ckcoop.world.pretrain;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import org.ckcoop.core.optim.AdamW;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.common.InputException;
import org.ckcoop.backbone.checkpoint.CheckpointLayout;
import org.ckcoop.backbone.checkpoint.ClipArchitecture;
import org.ckcoop.backbone.checkpoint.ClipCheckpoint;
import org.ckcoop.backbone.checkpoint.HuggingFaceLayout;
import org.ckcoop.backbone.image.ChannelNormalization;
import org.ckcoop.backbone.image.ClipPreprocessor;
import org.ckcoop.backbone.model.TrainableClipNetwork;
import org.ckcoop.backbone.safetensors.StorageType;
import org.ckcoop.backbone.text.BpeTrainer;
import org.ckcoop.backbone.text.BpeVocabulary;
import org.ckcoop.backbone.text.ClipTokenizer;
import org.ckcoop.world.CaptionedImages;
import org.ckcoop.common.engine.EngineArrays;

/**
 * Contrastive pretraining of a mini-CLIP from scratch, as in CLIP: a BPE vocabulary learnt from the
 * corpus's vocabulary captions, CLIP's initialisation from the seed, the symmetric InfoNCE loss,
 * AdamW (on the device: core's {@link AdamW}, the trainer's too) with warm-up and cosine decay, the temperature clamped to
 * ln 100. Batches are rendered one step ahead on a background thread.
 *
 * <p><b>Output</b> (a Hugging Face checkpoint folder that {@code ClipBackbone} loads): {@code
 * config.json}, {@code preprocessor_config.json}, {@code model.safetensors} (F16), {@code vocab.json},
 * {@code merges.txt}, {@code pretrained.json} (provenance and final numbers), {@code PRETRAINED.md} (how
 * it was made and the command that remakes it), {@code pretrain-log.tsv} (one row per log interval).
 *
 * <p><b>Resume.</b> Every {@code stateEvery} steps the weights, the optimiser moments and the steps
 * done go to {@code pretrain-state/state.safetensors} (atomically); a resumed run continues from there
 * bit-identically (the data position is the step). The state is deleted once the run has finished.
 *
 * <p><b>Memory</b> stays flat: one NDManager per step, an NDScope per optimiser update.
 */
public final class Pretrainer {
  /** The weights file of the output folder. */
  public static final String WEIGHTS = "model.safetensors";
  /** The provenance file of the output folder. */
  public static final String PROVENANCE = "pretrained.json";
  /** The human-readable description of the output folder. */
  public static final String README = "PRETRAINED.md";
  /** The training log of the output folder. */
  public static final String LOG = "pretrain-log.tsv";
  /** Merges learnt at most; the world's captions run out of pairs long before. */
  static final int MAX_MERGES = 4000;

  private final PretrainSettings settings;
  private final PretrainListener listener;

  /** Prepares a run with these settings, reporting progress to {@code listener}. */
  public Pretrainer(PretrainSettings settings, PretrainListener listener) {
    this.settings = settings;
    this.listener = listener;
  }

  /** Returns the BPE vocabulary learnt from a corpus's vocabulary captions (deterministic). */
  public static BpeVocabulary vocabulary(CaptionedImages corpus) {
    return BpeTrainer.train(corpus.vocabularyCorpus(), MAX_MERGES);
  }

  /**
   * Trains and writes the checkpoint folder {@code output}; with {@code resume}, continues the run
   * whose state is in {@code output}.
   *
   * @param commandLine the command that started the run, recorded for provenance
   * @throws InputException when {@code output} already holds a checkpoint or a run (without
   *     {@code resume}), or has no compatible state (with it)
   */
  public PretrainResult run(Path output, boolean resume, String commandLine) {
    PretrainState state = resume ? checkResumable(output) : checkFresh(output);
    try (Session session = new Session()) {
      int first = 0;
      double previousSeconds = 0;
      List<PretrainLogRow> rows = new ArrayList<>();
      if (state != null) {
        session.network.load(state.weights());
        session.optimiser.loadState(adamState(state));
        first = state.stepsDone();
        previousSeconds = state.wallSeconds();
        for (PretrainLogRow r : readLog(output)) {
          if (r.step() <= first) {
            rows.add(r);
          }
        }
      }
      createFolder(output);
      writeLog(output, rows);
      listener.onStart(session.summary(), first, settings.steps());
      long start = System.nanoTime();
      double seconds = previousSeconds;
      try (BufferedWriter log = Files.newBufferedWriter(output.resolve(LOG), StandardCharsets.UTF_8,
          StandardOpenOption.APPEND)) {
        int from = first;
        while (from < settings.steps()) {
          int to = Math.min(settings.steps(), nextMultiple(from, settings.logEvery()));
          PretrainLogRow row = session.train(from, to);
          rows.add(row);
          log.write(row.toTsv());
          log.newLine();
          log.flush();
          seconds = previousSeconds + (System.nanoTime() - start) / 1e9;
          listener.onLog(row, row.msPerStep() / 1000 * (settings.steps() - to));
          if (to % settings.stateEvery() == 0 && to < settings.steps()) {
            session.state(to, seconds).write(output);
            listener.onStateSaved(to, PretrainState.file(output));
          }
          from = to;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + output.resolve(LOG), e);
      }
      ClipCheckpoint trained = session.network.snapshot();
      new HuggingFaceLayout().write(trained, output, StorageType.F16, session.vocabulary);
      String hash = CheckpointLayout.read(output).contentHash();
      PretrainLogRow last = rows.get(rows.size() - 1);
      PretrainResult result = new PretrainResult(output, settings.steps(), last.loss(), last.accuracy(), seconds,
          session.architecture.parameterCount(), first, hash);
      PretrainReport.write(output, settings, session.architecture, session.corpusDescription, session.vocabulary.size(),
          commandLine, result, rows);
      PretrainState.delete(output);
      return result;
    }
  }

  /**
   * Runs {@code steps} steps without writing anything and returns the mean milliseconds per step
   * after the first (which includes one-time allocations).
   */
  public double benchmark(int steps) {
    if (steps < 2) {
      throw new InputException("--benchmark", "needs at least 2 steps, got " + steps);
    }
    try (Session session = new Session()) {
      session.train(0, 1);
      return session.train(1, steps).msPerStep();
    }
  }

  private static int nextMultiple(int from, int every) {
    return (from / every + 1) * every;
  }

  private PretrainState checkFresh(Path output) {
    if (Files.isRegularFile(PretrainState.file(output))) {
      throw new InputException(output, "holds an unfinished run (" + PretrainState.FOLDER
          + "/): add --resume to continue it, or choose another folder");
    }
    if (Files.exists(output.resolve(WEIGHTS)) || Files.exists(output.resolve(PROVENANCE))) {
      throw new InputException(output, "already holds a pretrained checkpoint; choose another folder or delete it");
    }
    return null;
  }

  private PretrainState checkResumable(Path output) {
    if (!Files.isRegularFile(PretrainState.file(output)) && Files.isRegularFile(output.resolve(PROVENANCE))) {
      throw new InputException(output, "the run has already finished (" + PROVENANCE + " is there): nothing to resume");
    }
    PretrainState state = PretrainState.read(output);
    Map<String, String> expected = settings.recipe();
    for (Map.Entry<String, String> e : expected.entrySet()) {
      String saved = state.recipe().get(e.getKey());
      if (!e.getValue().equals(saved)) {
        throw new InputException(PretrainState.file(output), "the saved run has " + e.getKey() + " = " + saved
            + " but this command asks for " + e.getValue() + "; resume with the original options");
      }
    }
    if (state.stepsDone() >= settings.steps()) {
      throw new InputException(PretrainState.file(output), "the saved run has done all " + state.stepsDone() + " steps");
    }
    return state;
  }

  private static void createFolder(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new InputException(dir, "cannot create the output folder: " + e.getMessage(), e);
    }
  }

  private static List<PretrainLogRow> readLog(Path output) {
    Path file = output.resolve(LOG);
    List<PretrainLogRow> rows = new ArrayList<>();
    if (!Files.isRegularFile(file)) {
      return rows;
    }
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        if (!line.isBlank()) {
          rows.add(PretrainLogRow.parse(line));
        }
      }
      return rows;
    } catch (IOException | IllegalArgumentException e) {
      throw new InputException(file, "cannot read the training log: " + e.getMessage(), e);
    }
  }

  private static void writeLog(Path output, List<PretrainLogRow> rows) {
    List<String> lines = new ArrayList<>();
    lines.add(PretrainLogRow.HEADER);
    rows.forEach(r -> lines.add(r.toTsv()));
    try {
      Files.write(output.resolve(LOG), lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InputException(output.resolve(LOG), "cannot write: " + e.getMessage(), e);
    }
  }

  /** The network, optimiser and data of one session (one process) of a run. */
  private final class Session implements AutoCloseable {
    final CaptionedImages corpus;
    final String corpusDescription;
    final BpeVocabulary vocabulary;
    final ClipArchitecture architecture;
    final TrainableClipNetwork network;
    final AdamW optimiser;
    final PretrainBatches batches;
    final org.ckcoop.core.optim.LearningRateSchedule schedule = settings.schedule();
    final ExecutorService renderer = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "pretrain-batches");
      t.setDaemon(true);
      return t;
    });
    final NDManager root;
    Future<PretrainBatches.Batch> pending;
    int pendingStep = -1;

    Session() {
      PretrainCorpus named = PretrainCorpus.named(settings.corpus());
      this.corpus = named.open();
      this.corpusDescription = named.name() + ": " + named.description();
      this.vocabulary = vocabulary(corpus);
      this.architecture = settings.preset().architecture(vocabulary.size());
      Device device = EngineRuntime.device(settings.device());
      if (settings.threads() > 0) {
        ai.djl.pytorch.jni.JniUtils.setNumThreads(settings.threads());
      }
      ClipCheckpoint initial = InitialWeights.generate(architecture, settings.seed());
      this.network = new TrainableClipNetwork(initial, device);
      AdamW adamw = null;
      try {
        Set<String> decayed = new LinkedHashSet<>();
        architecture.expectedShapes().forEach((name, shape) -> {
          if (decays(name, shape)) {
            decayed.add(name);
          }
        });
        adamw = new AdamW(PretrainSettings.BETA1, PretrainSettings.BETA2, PretrainSettings.EPSILON,
            settings.weightDecay(), device, decayed::contains);
        this.root = EngineRuntime.engine().newBaseManager(device);
      } catch (RuntimeException e) {
        if (adamw != null) {
          adamw.close();
        }
        network.close();
        renderer.shutdownNow();
        throw e;
      }
      this.optimiser = adamw;
      ClipPreprocessor preprocessor = new ClipPreprocessor(architecture.imageResolution(),
          ChannelNormalization.of(initial.normalization()));
      this.batches = new PretrainBatches(corpus, preprocessor, ClipTokenizer.of(vocabulary),
          architecture.contextLength(), settings.batchSize(), settings.seed());
    }

    String summary() {
      return String.format(Locale.ROOT, "%s, %,d weights, vocabulary %d, corpus %s", architecture.describe(),
          architecture.parameterCount(), vocabulary.size(), corpusDescription);
    }

    /** Runs steps {@code [from, to)} and returns their averages as a log row. */
    PretrainLogRow train(int from, int to) {
      long start = System.nanoTime();
      double lossSum = 0;
      long hits = 0;
      double lr = 0;
      if (pending == null || pendingStep != from) {
        prefetch(from);
      }
      int r = architecture.imageResolution();
      for (int step = from; step < to; step++) {
        PretrainBatches.Batch batch = await(pending);
        if (step + 1 < settings.steps()) {
          prefetch(step + 1);
        } else {
          pending = null;
        }
        lr = schedule.at(step);
        float loss;
        int n = settings.batchSize();
        try (NDManager manager = root.newSubManager()) {
          NDArray pixels = EngineArrays.of(manager, batch.pixels(), new Shape(n, 3, r, r));
          NDArray tokens = ClipBackbone.tokenIds(manager, batch.tokens());
          try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray logits = ContrastiveLoss.logits(
                network.encodeImages(pixels), network.encodeTexts(tokens), network.logitScale());
            NDArray value = ContrastiveLoss.loss(logits);
            collector.backward(value);
            loss = value.getFloat();
            hits += ContrastiveLoss.imageToTextHits(logits);
          }
        }
        if (!Float.isFinite(loss)) {
          throw new IllegalStateException(String.format(Locale.ROOT,
              "pretraining diverged: the loss is %s at step %d (lr %.3g); lower the learning rate", loss, step + 1, lr));
        }
        Map<String, NDArray> parameters = network.parameters();
        Map<String, NDArray> gradients = new LinkedHashMap<>();
        parameters.forEach((name, p) -> gradients.put(name, p.getGradient()));
        optimiser.step(parameters, gradients, lr);
        try (NDManager zeroing = root.newSubManager()) {
          NDArray zero = EngineArrays.scalar(zeroing, 0f);
          gradients.values().forEach(g -> g.muli(zero));
        }
        // getGradient() makes a new handle on the parameter's manager each call: close them (the gradient
        // itself stays with its parameter), or every step leaves one handle per parameter behind
        gradients.values().forEach(NDArray::close);
        network.clampLogitScale();
        lossSum += loss;
        listener.onStep(step, loss);
      }
      int count = to - from;
      double ms = (System.nanoTime() - start) / 1e6 / count;
      return new PretrainLogRow(to, lossSum / count, 100.0 * hits / ((long) count * settings.batchSize()), lr, ms);
    }

    private void prefetch(int step) {
      pendingStep = step;
      pending = renderer.submit(() -> batches.batch(step));
    }

    PretrainState state(int stepsDone, double seconds) {
      Map<String, float[]> adam = optimiser.state();
      return new PretrainState(stepsDone, seconds, settings.recipe(), network.snapshot().weights(),
          moments(adam, ".exp_avg"), moments(adam, ".exp_avg_sq"));
    }

    private PretrainBatches.Batch await(Future<PretrainBatches.Batch> future) {
      try {
        return future.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while preparing a batch", e);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
      }
    }

    @Override
    public void close() {
      renderer.shutdownNow();
      root.close();
      optimiser.close();
      network.close();
    }
  }

  /** The moments of one kind ({@code .exp_avg} or {@code .exp_avg_sq}) from AdamW's state, by parameter name. */
  static Map<String, float[]> moments(Map<String, float[]> adamState, String suffix) {
    Map<String, float[]> out = new LinkedHashMap<>();
    adamState.forEach((key, values) -> {
      if (key.endsWith(suffix)) {
        out.put(key.substring(0, key.length() - suffix.length()), values);
      }
    });
    return out;
  }

  /** AdamW's state from a pretraining checkpoint's moments and step count. */
  static Map<String, float[]> adamState(PretrainState state) {
    Map<String, float[]> out = new LinkedHashMap<>();
    state.firstMoments().forEach((name, m) -> out.put(name + ".exp_avg", m));
    state.secondMoments().forEach((name, v) -> out.put(name + ".exp_avg_sq", v));
    state.firstMoments().keySet().forEach(name -> out.put(name + ".step", new float[] {state.stepsDone()}));
    return out;
  }

  /**
   * open_clip's rule: no weight decay on gains, biases, the temperature and any tensor with fewer
   * than two axes (layer norms, the class embedding).
   */
  static boolean decays(String name, long[] shape) {
    return shape.length >= 2 && !name.contains("ln_") && !name.contains("bias") && !name.equals("logit_scale");
  }
}
