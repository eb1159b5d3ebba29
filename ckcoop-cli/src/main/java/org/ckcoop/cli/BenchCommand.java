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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ckcoop bench encode}: throughput of the encode pipeline (decode, preprocess, image tower;
 * tokenize, text tower) on a random model of a preset size, and the process's peak memory.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measures encode throughput (images/s including decoding and preprocessing, texts/s including"
          + " tokenization) on a random model of the given preset, and peak resident memory."
    })
public final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "WHAT",
      description = "What to measure: encode, or train (ms per training step of each --learners).")
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

  @Option(names = "--steps", defaultValue = "8", description = "Timed steps per learner for train (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--report", paramLabel = "FILE", description = "Append the result as a Markdown table row to FILE.")
  Path report;

  @Override
  public Integer call() throws IOException {
    if (what.equals("train")) {
      return trainSteps();
    }
    if (!what.equals("encode")) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "unknown benchmark '" + what + "' (known: encode, train)");
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
    java.util.List<String> names = new ArrayList<>();
    for (int i = 0; i < classes; i++) {
      names.add(SampleImages.caption(i).replace("a photo of a ", "").replace(".", "") + " " + i);
    }
    int embed = architecture.embedDim();
    int n = batchSize * (steps + 1);
    java.util.SplittableRandom random = new java.util.SplittableRandom(3);
    float[] features = new float[n * embed];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % classes;
      for (int j = 0; j < embed; j++) {
        features[i * embed + j] = (float) random.nextGaussian();
      }
    }
    org.ckcoop.core.train.CachedFeatures cached = new org.ckcoop.core.train.CachedFeatures(features, labels, embed);
    int resolution = architecture.imageResolution();
    // learners with prompts in the image tower train from pixels: random normalised images, the same each run
    org.ckcoop.core.train.TrainingData images = new org.ckcoop.core.train.TrainingData() {
      @Override
      public int size() {
        return n;
      }

      @Override
      public int featureWidth() {
        return embed;
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
          java.util.SplittableRandom r = new java.util.SplittableRandom(examples[k]);
          for (int j = 0; j < size; j++) {
            target[offset + k * size + j] = (float) r.nextGaussian();
          }
        }
      }

      @Override
      public String identity() {
        return "bench-random-images-" + n;
      }
    };
    org.ckcoop.core.plugin.LearnerRegistry registry = org.ckcoop.core.plugin.LearnerRegistry.discover();
    try (ClipBackbone backbone = ClipBackbone.create(RandomWeights.generate(architecture, 0),
        ClipTokenizer.of(RandomCheckpoints.smallVocabulary()), new BackboneOptions(device, Precision.parse(precision)))) {
      o.printf(Locale.ROOT, "%s, %d classes, batch %d, %d timed steps after one warm-up step%n", preset, classes, batchSize, steps);
      for (String name : learners) {
        org.ckcoop.core.run.RunPlan plan = org.ckcoop.core.run.RunPlan.from(org.ckcoop.core.config.LayeredConfig
            .builder(org.ckcoop.core.run.CoreSettings.schema(registry)).override("learner.name=" + name)
            .override("train.epochs=1").override("train.batch_size=" + batchSize).overrides(overrides).build(), registry);
        try (org.ckcoop.core.learner.PromptLearner learner = plan.newLearner(backbone, names, "a photo of a {}.")) {
          long[] stepTimes = new long[steps + 1];
          long[] last = {System.nanoTime()};
          int[] index = {0};
          Path run = Files.createTempDirectory("ckcoop-bench-train");
          org.ckcoop.core.train.TrainingData data = learner.usesCachedFeatures() ? cached : images;
          plan.train(learner, backbone, data, plan.provenance(backbone, "bench:random-features"), run, false,
              java.util.List.of(new org.ckcoop.core.train.TrainingListener() {
            @Override
            public void onEpochStart(int epoch, int epochs, int stepCount, double lr) {
              last[0] = System.nanoTime();
            }

            @Override
            public void onStep(int epoch, int step, int stepCount, double loss, double accuracy) {
              long now = System.nanoTime();
              stepTimes[index[0]++] = now - last[0];
              last[0] = now;
            }
          }));
          double ms = java.util.Arrays.stream(stepTimes, 1, stepTimes.length).average().orElse(0) / 1e6;
          String row = String.format(Locale.ROOT, "| train step | %s | %s | %d classes, batch %d | %.0f ms/step | %d parameters |",
              name, preset, classes, batchSize, ms, learner.learnableParameterCount());
          o.println(row);
          if (report != null) {
            Files.writeString(report, row + System.lineSeparator(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
          }
        }
      }
    }
    return 0;
  }
}
