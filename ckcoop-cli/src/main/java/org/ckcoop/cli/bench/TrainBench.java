package org.ckcoop.cli.bench;

import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.backbone.checkpoint.ClipArchitecture;
import org.ckcoop.core.config.LayeredConfig;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.plugin.LearnerRegistry;
import org.ckcoop.core.run.CoreSettings;
import org.ckcoop.core.run.RunPlan;
import org.ckcoop.core.train.CachedFeatures;
import org.ckcoop.core.train.TrainingData;
import org.ckcoop.core.train.TrainingListener;

/**
 * Training steps of any learner through the project's trainer, as {@code bench train} and
 * {@code bench compare} time them: random unit-variance image features (or, for learners that train
 * from pixels, random normalised 224 px images, the same each run), labels {@code i mod classes}, one
 * epoch of {@code steps + 1} steps of which the first is a warm-up; class names "red circle 34" alike.
 */
public final class TrainBench {
  private final ClipBackbone backbone;
  private final LearnerRegistry registry;
  private final List<String> names;
  private final int batch;
  private final int steps;
  private final CachedFeatures cached;
  private final TrainingData images;

  /**
   * @param classNames the class names
   * @param batch the batch size
   * @param steps timed steps (one warm-up step more runs first)
   */
  public TrainBench(ClipBackbone backbone, LearnerRegistry registry, List<String> classNames, int batch, int steps) {
    this.backbone = backbone;
    this.registry = registry;
    this.names = List.copyOf(classNames);
    this.batch = batch;
    this.steps = steps;
    ClipArchitecture architecture = backbone.architecture();
    int embed = architecture.embedDim();
    int n = batch * (steps + 1);
    SplittableRandom random = new SplittableRandom(3);
    float[] features = new float[n * embed];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % names.size();
      for (int j = 0; j < embed; j++) {
        features[i * embed + j] = (float) random.nextGaussian();
      }
    }
    this.cached = new CachedFeatures(features, labels, embed);
    this.images = new RandomImages(cached, labels, architecture.imageResolution());
  }

  /** Returns the bench's class names ("red circle 34" alike): {@code caption(i)} without its template. */
  public static List<String> classNames(int classes, java.util.function.IntFunction<String> caption) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < classes; i++) {
      out.add(caption.apply(i).replace("a photo of a ", "").replace(".", "") + " " + i);
    }
    return out;
  }

  /** A learner ready to be timed, with its run plan; close it. */
  public final class Session implements AutoCloseable {
    private final RunPlan plan;
    private final PromptLearner learner;

    private Session(RunPlan plan, PromptLearner learner) {
      this.plan = plan;
      this.learner = learner;
    }

    /** Returns the learner. */
    public PromptLearner learner() {
      return learner;
    }

    /**
     * Trains one epoch in a fresh temporary run folder and returns the seconds of each step after the
     * warm-up step (the time from one step's end to the next one's: batch assembly, forward,
     * backward, optimiser). With {@code nativeProfile}, PyTorch's own profiler records the timed steps
     * (not the warm-up) into that file (a Chrome trace).
     */
    public double[] stepSeconds(Path nativeProfile) {
      double[] seconds = new double[steps + 1];
      long[] last = {System.nanoTime()};
      int[] index = {0};
      boolean[] profiling = {false};
      Path run = null;
      try {
        run = Files.createTempDirectory("ckcoop-bench-train");
        TrainingData data = learner.usesCachedFeatures() ? cached : images;
        plan.train(learner, backbone, data, plan.provenance(backbone, "bench:random-features"), run, false,
            List.of(new TrainingListener() {
              @Override
              public void onEpochStart(int epoch, int epochs, int stepCount, double lr) {
                last[0] = System.nanoTime();
              }

              @Override
              public void onStep(int epoch, int step, int stepCount, double loss, double accuracy) {
                long now = System.nanoTime();
                if (index[0] < seconds.length) {
                  seconds[index[0]++] = (now - last[0]) / 1e9;
                }
                if (nativeProfile != null && index[0] == 1 && !profiling[0]) {
                  JniUtils.startProfile(false, true, false);
                  profiling[0] = true;
                } else if (profiling[0] && index[0] == seconds.length) {
                  JniUtils.stopProfile(nativeProfile.toString());
                  profiling[0] = false;
                }
                last[0] = System.nanoTime(); // the profiler's start and stop are not a step's time
              }
            }));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        if (profiling[0]) {
          JniUtils.stopProfile(nativeProfile.toString());
        }
        deleteTree(run);
      }
      if (index[0] != seconds.length) {
        throw new IllegalStateException("expected " + seconds.length + " steps, the trainer ran " + index[0]);
      }
      return java.util.Arrays.copyOfRange(seconds, 1, seconds.length);
    }

    @Override
    public void close() {
      learner.close();
    }
  }

  /** Builds learner {@code name} with the bench's recipe (one epoch, the batch) and {@code overrides}. */
  public Session open(String name, List<String> overrides) {
    RunPlan plan = RunPlan.from(LayeredConfig.builder(CoreSettings.schema(registry)).override("learner.name=" + name)
        .override("train.epochs=1").override("train.batch_size=" + batch).overrides(overrides).build(), registry);
    return new Session(plan, plan.newLearner(backbone, names, "a photo of a {}."));
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind is harmless
    }
  }

  /** Random normalised images (a Gaussian per pixel, seeded by the example index) and the cached features. */
  private static final class RandomImages implements TrainingData {
    private final CachedFeatures cached;
    private final int[] labels;
    private final int resolution;

    RandomImages(CachedFeatures cached, int[] labels, int resolution) {
      this.cached = cached;
      this.labels = labels;
      this.resolution = resolution;
    }

    @Override
    public int size() {
      return labels.length;
    }

    @Override
    public int featureWidth() {
      return cached.featureWidth();
    }

    @Override
    public int label(int i) {
      return labels[i];
    }

    @Override
    public void features(int i, int epoch, float[] target, int offset) {
      cached.features(i, epoch, target, offset);
    }

    @Override
    public boolean hasPixels() {
      return true;
    }

    @Override
    public void pixels(int[] examples, int epoch, float[] target, int offset) {
      int size = 3 * resolution * resolution;
      for (int k = 0; k < examples.length; k++) {
        SplittableRandom r = new SplittableRandom(examples[k]);
        for (int j = 0; j < size; j++) {
          target[offset + k * size + j] = (float) r.nextGaussian();
        }
      }
    }

    @Override
    public String identity() {
      return "bench-random-images-" + labels.length;
    }
  }
}
