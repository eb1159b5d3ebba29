package org.ckcoop.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ckcoop.backbone.BackboneOptions;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.backbone.checkpoint.ClipArchitecture;
import org.ckcoop.backbone.checkpoint.RandomCheckpoints;
import org.ckcoop.backbone.checkpoint.RandomWeights;
import org.ckcoop.backbone.encode.FeatureEncoder;
import org.ckcoop.backbone.model.Precision;
import org.ckcoop.backbone.text.ClipTokenizer;
import ai.djl.pytorch.jni.JniUtils;
import org.ckcoop.cli.bench.Anchor;
import org.ckcoop.cli.bench.CompareRunner;
import org.ckcoop.cli.bench.Comparison;
import org.ckcoop.cli.bench.Flops;
import org.ckcoop.cli.bench.Summary;
import org.ckcoop.cli.bench.TrainBench;
import org.ckcoop.cli.bench.Workload;
import org.ckcoop.core.plugin.LearnerRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ckcoop bench}: {@code encode}, the throughput of the encode pipeline (decode, preprocess, image
 * tower; tokenize, text tower) on a random model of a preset size, and the process's peak memory;
 * {@code train}, ms per training step of any learner; {@code compare}, every workload against the
 * PyTorch anchor, alternating per repeat ({@link org.ckcoop.cli.bench}); {@code matmul}, the engine's
 * F32 matmul GFLOP/s.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmarks on a random model of the given preset: encode throughput (images/s including decoding and"
          + " preprocessing, texts/s including tokenization) and peak resident memory; training steps; every workload"
          + " side by side with a PyTorch anchor (compare); the engine's matmul GFLOP/s (matmul)."
    })
public final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "WHAT",
      description = "What to measure: encode; train (ms per training step of each --learners); compare (every"
          + " workload against the PyTorch anchor tools/bench/torch_anchor.py, alternating per repeat: ratios, targets,"
          + " GFLOP/s against the matmul peak); matmul (GFLOP/s of a plain F32 matmul through DJL).")
  String what;

  @Option(names = "--preset", defaultValue = "vit-b-16", description = "Architecture preset (default: ${DEFAULT-VALUE}).")
  String preset;

  @Option(names = "--images", defaultValue = "64", description = "Images to encode (default: ${DEFAULT-VALUE}).")
  int imageCount;

  @Option(names = "--texts", defaultValue = "256", description = "Texts to encode (default: ${DEFAULT-VALUE}).")
  int textCount;

  @Option(names = "--batch-size", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--device", defaultValue = "auto", description = "cpu, gpu, gpu:N or auto (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--precision", defaultValue = "fp32", description = "fp32 or fp16 (GPU) (default: ${DEFAULT-VALUE}).")
  String precision;

  @Option(names = "--learners", defaultValue = "coop,ckcoop", split = ",", description = "Learners for train (default: ${DEFAULT-VALUE}).")
  java.util.List<String> learners;

  @Option(names = "--classes", defaultValue = "50", description = "Classes for train (default: ${DEFAULT-VALUE}).")
  int classes;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Config override for train (repeatable).")
  java.util.List<String> overrides = new ArrayList<>();

  @Option(names = "--steps", defaultValue = "8", description = "Timed steps per learner for train; for compare, timed units per repeat; for matmul, timed"
      + " products (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--report", paramLabel = "FILE", description = "Append the result as a Markdown table row to FILE.")
  Path report;

  @Option(names = "--repeats", defaultValue = "3", description = "compare: alternating repeats per workload (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--workloads", split = ",", paramLabel = "NAME",
      description = "compare: workloads (default: all of coop, kgcoop, ckcoop, prograd, cocoop, maple, promptsrc, encode-text,"
          + " image-tower, image-pipeline).")
  List<String> workloads;

  @Option(names = "--threads", defaultValue = "2", description = "compare, matmul: intra-op threads of both engines (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--matmul-size", defaultValue = "2048", description = "compare, matmul: n of [n, n] @ [n, n] (default: ${DEFAULT-VALUE}).")
  int matmulSize;

  @Option(names = "--python", defaultValue = "/usr/bin/python3",
      description = "compare: the Python with torch that runs the anchor (default: ${DEFAULT-VALUE}, Debian's python3-torch).")
  String python;

  @Option(names = "--anchor", paramLabel = "FILE", description = "compare: the anchor script (default: tools/bench/torch_anchor.py).")
  Path anchorScript;

  @Option(names = "--native-profile", paramLabel = "FILE",
      description = "train: record the timed steps with PyTorch's own profiler into FILE (a Chrome trace; with several"
          + " learners, one file per learner named <learner>-FILE).")
  Path nativeProfile;

  @Override
  public Integer call() throws IOException {
    switch (what) {
      case "train":
        return trainSteps();
      case "compare":
        return compare();
      case "matmul":
        return matmul();
      case "encode":
        break;
      default:
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "unknown benchmark '" + what
            + "' (known: encode, train, compare, matmul)");
    }
    PrintWriter o = spec.commandLine().getOut();
    ClipArchitecture architecture = RandomCheckpoints.preset(preset);
    Path tmp = Files.createTempDirectory("ckcoop-bench");
    List<Path> images = SampleImages.write(tmp, imageCount, 320, 240, 1);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < textCount; i++) {
      texts.add(SampleImages.caption(i));
    }
    long loadStart = System.nanoTime();
    try (ClipBackbone backbone = ClipBackbone.create(
        RandomWeights.generate(architecture, 0), ClipTokenizer.of(RandomCheckpoints.smallVocabulary()),
        new BackboneOptions(device, Precision.parse(precision)))) {
      double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
      FeatureEncoder encoder = new FeatureEncoder(backbone, batchSize);
      encoder.encodeImages(images.subList(0, Math.min(batchSize, images.size())), n -> { }); // warm-up
      long t0 = System.nanoTime();
      encoder.encodeImages(images, n -> { });
      double imageSeconds = (System.nanoTime() - t0) / 1e9;
      long t1 = System.nanoTime();
      encoder.encodeTokens(backbone.tokenizer().tokenize(texts, architecture.contextLength()), n -> { });
      double textSeconds = (System.nanoTime() - t1) / 1e9;
      long peakKb = procStatus("VmHWM");
      String row = String.format(Locale.ROOT, "| %s | %s | %s | %d | %.1f | %.1f | %.0f MB | %s |",
          preset, EngineRuntime.name(backbone.device()), precision, batchSize, imageCount / imageSeconds, textCount / textSeconds,
          peakKb / 1024.0, EngineRuntime.describe());
      o.printf(Locale.ROOT, "%s (%,d parameters), %d threads available%n", preset, architecture.parameterCount(),
          Runtime.getRuntime().availableProcessors());
      o.printf(Locale.ROOT, "model build %.1f s; %d images in %.2f s = %.1f images/s; %d texts in %.2f s = %.1f texts/s; peak RSS %.0f MB%n",
          loadSeconds, imageCount, imageSeconds, imageCount / imageSeconds, textCount, textSeconds, textCount / textSeconds,
          peakKb / 1024.0);
      o.println("| preset | device | precision | batch | images/s | texts/s | peak RSS | engine |");
      o.println(row);
      if (report != null) {
        Files.writeString(report, row + System.lineSeparator(), StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
    } finally {
      for (Path p : images) {
        Files.deleteIfExists(p);
      }
      Files.deleteIfExists(tmp);
    }
    return 0;
  }

  private static long procStatus(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(key + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** Times training steps (batch of cached features, all classes through the text tower) per learner. */
  private Integer trainSteps() throws IOException {
    PrintWriter o = spec.commandLine().getOut();
    ClipArchitecture architecture = RandomCheckpoints.preset(preset);
    List<String> names = TrainBench.classNames(classes, SampleImages::caption);
    LearnerRegistry registry = LearnerRegistry.discover();
    try (ClipBackbone backbone = ClipBackbone.create(RandomWeights.generate(architecture, 0),
        ClipTokenizer.of(RandomCheckpoints.smallVocabulary()), new BackboneOptions(device, Precision.parse(precision)))) {
      o.printf(Locale.ROOT, "%s, %d classes, batch %d, %d timed steps after one warm-up step, %d intra-op threads%n",
          preset, classes, batchSize, steps, JniUtils.getNumThreads());
      TrainBench bench = new TrainBench(backbone, registry, names, batchSize, steps);
      for (String name : learners) {
        try (TrainBench.Session session = bench.open(name, overrides)) {
          Path profile = nativeProfile == null ? null
              : learners.size() == 1 ? nativeProfile : nativeProfile.resolveSibling(name + "-" + nativeProfile.getFileName());
          double[] seconds = session.stepSeconds(profile);
          double ms = java.util.Arrays.stream(seconds).average().orElse(0) * 1e3;
          String row = String.format(Locale.ROOT, "| train step | %s | %s | %d classes, batch %d | %.0f ms/step | %d parameters |",
              name, preset, classes, batchSize, ms, session.learner().learnableParameterCount());
          o.println(row);
          if (profile != null) {
            o.println("PyTorch profiler trace of the timed steps: " + profile
                + " (summarise with tools/bench/profile_summary.py)");
          }
          if (report != null) {
            Files.writeString(report, row + System.lineSeparator(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
          }
        }
      }
    }
    return 0;
  }

  /** Times a plain F32 matmul through DJL (the engine's peak for this machine and thread count). */
  private Integer matmul() {
    PrintWriter o = spec.commandLine().getOut();
    int reported = CompareRunner.threads(threads);
    double[] seconds = CompareRunner.matmulSeconds(matmulSize, steps);
    Summary s = Summary.of(seconds);
    double flops = Flops.matmul(matmulSize);
    o.printf(Locale.ROOT, "matmul [%d, %d] @ [%d, %d] F32 through %s, %d intra-op threads, %d timed after one warm-up:%n",
        matmulSize, matmulSize, matmulSize, matmulSize, EngineRuntime.describe(), reported, steps);
    o.printf(Locale.ROOT, "best %.1f GFLOP/s, median %.1f GFLOP/s (%.1f ms median)%n", flops / s.min() / 1e9,
        flops / s.median() / 1e9, s.median() * 1e3);
    return 0;
  }

  /** Runs every workload on ckcoop's side and the anchor's, alternating per repeat, and prints the table. */
  private Integer compare() throws IOException {
    PrintWriter o = spec.commandLine().getOut();
    List<Workload> chosen = new ArrayList<>();
    try {
      if (workloads == null || workloads.isEmpty()) {
        chosen.addAll(List.of(Workload.values()));
      } else {
        workloads.forEach(w -> chosen.add(Workload.of(w)));
      }
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Path script = anchorScript != null ? anchorScript
        : Path.of(System.getProperty("ckcoop.home", "."), "tools", "bench", "torch_anchor.py");
    int reported = CompareRunner.threads(threads);
    String loadBefore = loadAverage();
    long start = System.nanoTime();
    Comparison table;
    String torch;
    try (ClipBackbone backbone = ClipBackbone.create(RandomWeights.generate(RandomCheckpoints.preset(preset), 0),
            ClipTokenizer.of(RandomCheckpoints.smallVocabulary()), new BackboneOptions(device, Precision.parse(precision)));
        Anchor anchor = Anchor.start(python, script)) {
      torch = anchor.torchVersion();
      o.printf(Locale.ROOT, "%s, %d classes, %d repeats of %d timed units after one warm-up each, alternating ckcoop / "
          + "anchor; ckcoop %s, %d intra-op threads; anchor torch %s (%s), %d threads; load average before: %s%n",
          preset, classes, repeats, steps, EngineRuntime.describe(), reported, torch, python, threads, loadBefore);
      o.flush();
      CompareRunner runner = new CompareRunner(backbone, preset, classes, steps, repeats, threads, textCount, matmulSize,
          new CompareRunner.Samples() {
            @Override
            public String caption(int i) {
              return SampleImages.caption(i);
            }

            @Override
            public List<Path> images(Path dir, int count) {
              return SampleImages.write(dir, count, 320, 240, 1);
            }
          }, o);
      table = runner.run(anchor, chosen);
    }
    String footer = String.format(Locale.ROOT, "load average before: %s; after: %s; %.0f s in all", loadBefore, loadAverage(),
        (System.nanoTime() - start) / 1e9);
    o.println();
    o.print(table.markdown());
    o.println();
    o.println(footer);
    if (report != null) {
      Files.writeString(report, table.markdown() + System.lineSeparator() + footer + System.lineSeparator(),
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    return 0;
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2] + " (1, 5, 15 min)";
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
