package org.ckcoop.eval.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ckcoop.backbone.BackboneOptions;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.backbone.checkpoint.CheckpointLayout;
import org.ckcoop.backbone.checkpoint.RandomCheckpoints;
import org.ckcoop.backbone.encode.FeatureEncoder;
import org.ckcoop.backbone.encode.FeatureFile;
import org.ckcoop.backbone.safetensors.StorageType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ckcoop demo}: for now, the backbone end to end. Writes one random tiny CLIP in both
 * checkpoint layouts (F16 Hugging Face, BF16 OpenAI), renders a few images, encodes images and
 * captions with each, and shows that both layouts give the same identity and the same features.
 * (The full demo, with a pretrained mini-CLIP and prompt learners, replaces this later.)
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the backbone end to end on a random tiny CLIP stored in both checkpoint layouts: writes the"
          + " checkpoints, images and feature files under --out and prints what it checked."
    })
public final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--out", defaultValue = "ckcoop-demo", paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--images", defaultValue = "12", paramLabel = "N", description = "Number of images (default: ${DEFAULT-VALUE}).")
  int imageCount;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the random weights and images (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    long start = System.nanoTime();
    Path hf = out.resolve("tiny-clip-hf");
    Path openai = out.resolve("tiny-clip-openai");
    var architecture = RandomCheckpoints.preset("tiny");
    RandomCheckpoints.write(hf, architecture, CheckpointLayout.named("huggingface"), StorageType.F16, seed);
    RandomCheckpoints.write(openai, architecture, CheckpointLayout.named("openai"), StorageType.BF16, seed);
    o.printf(Locale.ROOT, "1. wrote a random tiny CLIP (%,d parameters, seed %d) twice:%n   %s (Hugging Face, F16)%n   %s (OpenAI/open_clip, BF16)%n",
        architecture.parameterCount(), seed, hf, openai);
    List<Path> images = SampleImages.write(out.resolve("images"), imageCount, 64, 48, seed);
    List<String> captions = new ArrayList<>();
    for (int i = 0; i < Math.min(imageCount, 12); i++) {
      captions.add(SampleImages.caption(i));
    }
    o.printf(Locale.ROOT, "2. rendered %d images (64x48 PNG) into %s%n", images.size(), out.resolve("images"));

    float[][] imageFeatures = new float[2][];
    float[][] textFeatures = new float[2][];
    String[] identities = new String[2];
    Path[] folders = {hf, openai};
    for (int k = 0; k < 2; k++) {
      try (ClipBackbone backbone = ClipBackbone.load(folders[k], BackboneOptions.defaults())) {
        FeatureEncoder encoder = new FeatureEncoder(backbone, 8);
        imageFeatures[k] = encoder.encodeImages(images, n -> { });
        long[][] tokens = backbone.tokenizer().tokenize(captions, architecture.contextLength());
        textFeatures[k] = encoder.encodeTokens(tokens, n -> { });
        identities[k] = backbone.identity();
        Path file = out.resolve("features-" + folders[k].getFileName() + ".safetensors");
        FeatureFile.write(file, backbone, encoder.preprocessor().toString(), images, imageFeatures[k], captions, tokens,
            textFeatures[k], List.of());
        o.printf(Locale.ROOT, "3.%d encoded %d images and %d captions with %s -> %s%n", k + 1, images.size(), captions.size(),
            folders[k].getFileName(), file);
      }
    }
    o.printf(Locale.ROOT, "4. backbone identity, Hugging Face layout: %s%n", identities[0]);
    o.printf(Locale.ROOT, "   backbone identity, OpenAI layout:       %s  (%s)%n", identities[1],
        identities[0].equals(identities[1]) ? "same model" : "DIFFERENT");
    double imageDiff = maxAbsDiff(imageFeatures[0], imageFeatures[1]);
    double textDiff = maxAbsDiff(textFeatures[0], textFeatures[1]);
    o.printf(Locale.ROOT, "   max |difference| between the layouts' features: images %.3g, texts %.3g%n", imageDiff, textDiff);
    o.printf(Locale.ROOT, "   image feature [0] norm %.4f; caption feature [0] norm %.4f (projected, not normalised)%n",
        norm(imageFeatures[0], 0, architecture.embedDim()), norm(textFeatures[0], 0, architecture.embedDim()));
    o.printf(Locale.ROOT, "done in %.1f s. The weights are random, so similarities mean nothing yet;%n"
        + "encode your own checkpoint with: bin/ckcoop encode --backbone DIR --images DIR --text \"a photo of a dog.\" --out f.safetensors%n",
        (System.nanoTime() - start) / 1e9);
    return identities[0].equals(identities[1]) && imageDiff == 0 && textDiff == 0 ? 0 : 1;
  }

  private static double maxAbsDiff(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  private static double norm(float[] a, int row, int width) {
    double s = 0;
    for (int j = 0; j < width; j++) {
      s += (double) a[row * width + j] * a[row * width + j];
    }
    return Math.sqrt(s);
  }
}
