package org.ckcoop.cli.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.backbone.encode.FeatureEncoder;
import org.ckcoop.backbone.text.ClipTokenizer;
import org.ckcoop.common.engine.EngineArrays;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.core.plugin.LearnerRegistry;

/**
 * Runs {@code bench compare}: for each workload, repeats of ckcoop's side (in this process, the
 * backbone and the learner kept between repeats) alternating with the anchor's (its own process,
 * its weights kept likewise), each repeat one warm-up unit and {@code steps} timed units whose median
 * is the repeat's time. The matmul peaks of both engines are measured first, alternating likewise.
 */
public final class CompareRunner {
  /** What ckcoop's side needs from the command line's package. */
  public interface Samples {
    /** Returns caption {@code i} ("a photo of a red circle."). */
    String caption(int i);

    /** Writes {@code count} PNG images (320 x 240) into {@code dir} and returns their paths. */
    List<Path> images(Path dir, int count) throws IOException;
  }

  private final ClipBackbone backbone;
  private final String preset;
  private final int classes;
  private final int steps;
  private final int repeats;
  private final int threads;
  private final int texts;
  private final int matmulSize;
  private final Samples samples;
  private final PrintWriter log;

  /**
   * @param steps timed units per repeat
   * @param threads intra-op threads of both engines
   * @param texts texts per text-encoding unit
   * @param matmulSize n of the [n, n] @ [n, n] peak measurement
   * @param log where progress lines go
   */
  public CompareRunner(ClipBackbone backbone, String preset, int classes, int steps, int repeats, int threads, int texts,
      int matmulSize, Samples samples, PrintWriter log) {
    this.backbone = backbone;
    this.preset = preset;
    this.classes = classes;
    this.steps = steps;
    this.repeats = repeats;
    this.threads = threads;
    this.texts = texts;
    this.matmulSize = matmulSize;
    this.samples = samples;
    this.log = log;
  }

  /** Returns the prompt length after the EOT cut: SOT, the longest text's tokens, EOT. */
  public static int promptLength(ClipTokenizer tokenizer, List<String> texts) {
    int longest = 0;
    for (String t : texts) {
      longest = Math.max(longest, tokenizer.encode(t).length);
    }
    return longest + 2;
  }

  /** Measures every workload against the anchor. */
  public Comparison run(Anchor anchor, List<Workload> workloads) throws IOException {
    Comparison table = new Comparison();
    double[] djl = new double[2 * repeats];
    double[] torch = new double[2 * repeats];
    peaks(anchor, djl, torch, 0);
    List<String> names = TrainBench.classNames(classes, samples::caption);
    LearnerRegistry registry = LearnerRegistry.discover();
    for (Workload w : workloads) {
      table.add(measure(anchor, w, names, registry));
    }
    // again at the end: right after the backbone is built the JVM's own threads (GC, JIT) may still hold a core
    peaks(anchor, djl, torch, repeats);
    table.peaks(Summary.of(djl).max(), Summary.of(torch).max());
    return table;
  }

  private void peaks(Anchor anchor, double[] djl, double[] torch, int from) {
    for (int r = from; r < from + repeats; r++) {
      djl[r] = Flops.matmul(matmulSize) / min(matmulSeconds(matmulSize, steps)) / 1e9;
      Map<String, Object> request = new java.util.LinkedHashMap<>(Map.of("mode", "matmul", "size", matmulSize,
          "steps", steps, "threads", threads));
      torch[r] = Flops.matmul(matmulSize) / min(anchor.run(request).times()) / 1e9;
      log.printf(Locale.ROOT, "matmul %d: repeat %d: DJL %.1f GFLOP/s, torch %.1f GFLOP/s%n", matmulSize, r + 1, djl[r], torch[r]);
      log.flush();
    }
  }

  private Comparison.Row measure(Anchor anchor, Workload w, List<String> names, LearnerRegistry registry)
      throws IOException {
    ClipTokenizer tokenizer = backbone.tokenizer();
    double[] ours = new double[repeats];
    double[] theirs = new double[repeats];
    int tokens;
    int k = 0;
    String factorShapes = "";
    if (w.isStep()) {
      List<String> prompts = new ArrayList<>();
      names.forEach(n -> prompts.add(w.placeholder() + " " + n + "."));
      tokens = promptLength(tokenizer, prompts);
      TrainBench bench = new TrainBench(backbone, registry, names, w.batch(), steps);
      try (TrainBench.Session session = bench.open(w.learner(), w.overrides())) {
        if (w == Workload.CKCOOP) {
          Map<String, NDArray> p = session.learner().trainableParameters();
          k = Math.toIntExact(p.get("coefficients").getShape().get(1));
          List<String> shapes = new ArrayList<>();
          p.forEach((name, a) -> {
            if (name.startsWith("kronecker.factors.")) {
              shapes.add(a.getShape().get(0) + "x" + a.getShape().get(1));
            }
          });
          factorShapes = String.join(",", shapes);
        }
        Map<String, Object> request = w.anchorRequest(preset, classes, steps, threads, tokens, texts, k, factorShapes);
        for (int r = 0; r < repeats; r++) {
          ours[r] = Summary.median(session.stepSeconds(null));
          theirs[r] = anchor.run(request).median();
          progress(w, r, ours[r], theirs[r]);
        }
      }
    } else if (w == Workload.TEXT) {
      List<String> captions = new ArrayList<>();
      for (int i = 0; i < texts; i++) {
        captions.add(samples.caption(i));
      }
      tokens = promptLength(tokenizer, captions);
      FeatureEncoder encoder = new FeatureEncoder(backbone, w.batch());
      Map<String, Object> request = w.anchorRequest(preset, classes, steps, threads, tokens, texts, 0, "");
      for (int r = 0; r < repeats; r++) {
        ours[r] = Summary.median(timed(() -> encoder.encodeTokens(
            tokenizer.tokenize(captions, backbone.architecture().contextLength()), n -> { })));
        theirs[r] = anchor.run(request).median();
        progress(w, r, ours[r], theirs[r]);
      }
    } else {
      tokens = 0;
      Map<String, Object> request = w.anchorRequest(preset, classes, steps, threads, 0, texts, 0, "");
      Path dir = w == Workload.IMAGE_PIPELINE ? Files.createTempDirectory("ckcoop-bench-compare") : null;
      try {
        List<Path> images = dir == null ? List.of() : samples.images(dir, w.batch());
        FeatureEncoder encoder = new FeatureEncoder(backbone, w.batch());
        float[] pixels = randomPixels(w.batch());
        for (int r = 0; r < repeats; r++) {
          ours[r] = Summary.median(dir == null ? timed(() -> tower(pixels, w.batch())) : timed(() -> encoder.encodeImages(images, n -> { })));
          theirs[r] = anchor.run(request).median();
          progress(w, r, ours[r], theirs[r]);
        }
      } finally {
        if (dir != null) {
          try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
              Files.deleteIfExists(p);
            }
          }
          Files.deleteIfExists(dir);
        }
      }
    }
    double flops = w.flops(backbone.architecture(), classes, tokens, texts);
    log.printf(Locale.ROOT, "%s: %s%.1f GFLOP per unit%n", w.key(), tokens > 0 ? tokens + " tokens per prompt, " : "", flops / 1e9);
    return new Comparison.Row(w, ours, theirs, flops);
  }

  private void progress(Workload w, int r, double ours, double theirs) {
    log.printf(Locale.ROOT, "%s: repeat %d/%d: ckcoop %s, anchor %s, ratio %.2f%n", w.key(), r + 1, repeats,
        Comparison.time(ours), Comparison.time(theirs), theirs / ours);
    log.flush();
  }

  /** One warm-up run, then {@code steps} timed runs; returns their seconds. */
  private double[] timed(Runnable unit) {
    double[] out = new double[steps];
    for (int i = 0; i <= steps; i++) {
      long t = System.nanoTime();
      unit.run();
      if (i > 0) {
        out[i - 1] = (System.nanoTime() - t) / 1e9;
      }
    }
    return out;
  }

  private float[] randomPixels(int batch) {
    int r = backbone.architecture().imageResolution();
    float[] out = new float[batch * 3 * r * r];
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) random.nextGaussian();
    }
    return out;
  }

  /** The image tower alone on normalised pixels (their upload included, as for any batch). */
  private void tower(float[] pixels, int batch) {
    int r = backbone.architecture().imageResolution();
    try (NDManager m = EngineRuntime.engine().newBaseManager(backbone.device())) {
      NDArray x = EngineArrays.of(m, pixels, new Shape(batch, 3, r, r));
      backbone.encodeImages(x).toFloatArray();
    }
  }

  /**
   * Times a plain F32 {@code [n, n] @ [n, n]} through DJL: one warm-up product, then {@code steps}
   * products; returns their seconds.
   */
  public static double[] matmulSeconds(int n, int steps) {
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      NDArray a = m.randomNormal(new Shape(n, n));
      NDArray b = m.randomNormal(new Shape(n, n));
      double[] out = new double[steps];
      for (int i = 0; i <= steps; i++) {
        long t = System.nanoTime();
        try (NDArray c = a.matMul(b)) {
          if (i > 0) {
            out[i - 1] = (System.nanoTime() - t) / 1e9;
          }
        }
      }
      return out;
    }
  }

  /** Sets the engine's intra-op threads and returns what it reports. */
  public static int threads(int threads) {
    EngineRuntime.engine();
    JniUtils.setNumThreads(threads);
    return JniUtils.getNumThreads();
  }

  private static double min(double[] values) {
    return Summary.of(values).min();
  }
}
