package org.ckcoop.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ckcoop.cli.console.ConsoleProgress;
import org.ckcoop.backbone.BackboneOptions;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.backbone.encode.FeatureEncoder;
import org.ckcoop.backbone.encode.FeatureFile;
import org.ckcoop.backbone.model.Precision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ckcoop encode}: image and text features of a checkpoint, written as safetensors. */
@Command(
    name = "encode",
    mixinStandardHelpOptions = true,
    description = {
      "Encodes images and texts with a CLIP checkpoint and writes F32 image_features [N, embed] and"
          + " text_features [M, embed] (projected, not normalised) and I64 text_tokens [M, context]"
          + " to a safetensors file whose metadata records the image paths, the texts, the backbone"
          + " identity and the project version."
    })
public final class EncodeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--backbone", required = true, paramLabel = "DIR",
      description = "Checkpoint folder (Hugging Face or OpenAI/open_clip layout) or one OpenAI/open_clip-named weights file:"
          + " .safetensors, a torch.save .bin/.pt/.pth, or OpenAI's TorchScript .pt (e.g. ~/.cache/clip/RN50.pt).")
  Path backbone;

  @Option(names = "--image", paramLabel = "FILE", description = "An image to encode (repeatable; kept in order).")
  List<Path> images = new ArrayList<>();

  @Option(names = "--images", paramLabel = "DIR",
      description = "A folder of images (png, jpg, jpeg), encoded sorted by file name after any --image.")
  Path imageFolder;

  @Option(names = "--text", paramLabel = "STRING", description = "A text to encode (repeatable; kept in order).")
  List<String> texts = new ArrayList<>();

  @Option(names = "--texts", paramLabel = "FILE",
      description = "A UTF-8 file with one text per line (blank lines are skipped), after any --text.")
  Path textFile;

  @Option(names = "--out", required = true, paramLabel = "FILE.safetensors", description = "Output file (written atomically).")
  Path out;

  @Option(names = "--device", defaultValue = "auto", paramLabel = "cpu|gpu|gpu:N|auto",
      description = "Where to run; auto = the first GPU if there is one, else the CPU (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|fp16",
      description = "Compute precision; fp16 needs a GPU (default: ${DEFAULT-VALUE}).")
  String precision;

  @Option(names = "--batch-size", defaultValue = "32", paramLabel = "N", description = "Inputs per forward pass (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Override
  public Integer call() throws IOException {
    List<Path> allImages = collectImages();
    List<String> allTexts = collectTexts();
    if (allImages.isEmpty() && allTexts.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "nothing to encode: give --image, --images, --text or --texts");
    }
    if (batchSize < 1) {
      throw new ParameterException(spec.commandLine(), "--batch-size must be at least 1, got " + batchSize);
    }
    if (!out.getFileName().toString().endsWith(".safetensors")) {
      throw new ParameterException(spec.commandLine(), "--out must end in .safetensors, got " + out);
    }
    PrintWriter err = spec.commandLine().getErr();
    BackboneOptions options = new BackboneOptions(device, Precision.parse(precision));
    long start = System.nanoTime();
    try (ClipBackbone model = ClipBackbone.load(backbone, options)) {
      err.printf(Locale.ROOT, "backbone %s%n  identity %s%n  %s%n", model.source(), model.identity(), model.architecture().describe());
      FeatureEncoder encoder = new FeatureEncoder(model, batchSize);
      float[] imageFeatures;
      try (ConsoleProgress progress = new ConsoleProgress("images", allImages.size(), "img")) {
        imageFeatures = encoder.encodeImages(allImages, progress);
      }
      int context = model.architecture().contextLength();
      long[][] tokens = model.tokenizer().tokenize(allTexts, context);
      List<Integer> truncated = new ArrayList<>();
      for (int i = 0; i < allTexts.size(); i++) {
        if (model.tokenizer().encode(allTexts.get(i)).length + 2 > context) {
          truncated.add(i);
        }
      }
      if (!truncated.isEmpty()) {
        err.printf(Locale.ROOT, "warning: %d text(s) longer than the context length %d were truncated (EOT kept last): "
            + "indices %s%s%n", truncated.size(), context, truncated.subList(0, Math.min(10, truncated.size())),
            truncated.size() > 10 ? " ..." : "");
      }
      float[] textFeatures;
      try (ConsoleProgress progress = new ConsoleProgress("texts", allTexts.size(), "txt")) {
        textFeatures = encoder.encodeTokens(tokens, progress);
      }
      FeatureFile.write(out, model, encoder.preprocessor().toString(), allImages, imageFeatures, allTexts, tokens,
          textFeatures, truncated);
      spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: image_features [%d, %d], text_features [%d, %d] in %.1f s%n",
          out, allImages.size(), model.architecture().embedDim(), allTexts.size(), model.architecture().embedDim(),
          (System.nanoTime() - start) / 1e9);
    }
    return 0;
  }

  private List<Path> collectImages() throws IOException {
    List<Path> all = new ArrayList<>(images);
    if (imageFolder != null) {
      all.addAll(ImageFolder.list(imageFolder, "--images"));
    }
    for (Path p : images) {
      if (Files.isDirectory(p)) {
        throw new ParameterException(spec.commandLine(), "--image " + p + " is a folder; use --images for folders");
      }
    }
    List<Path> missing = all.stream().filter(p -> !Files.isRegularFile(p)).toList();
    if (!missing.isEmpty()) {
      throw new ParameterException(spec.commandLine(), missing.size() + " image file(s) not found: "
          + missing.stream().limit(5).map(Path::toString).toList() + (missing.size() > 5 ? " ..." : ""));
    }
    return all;
  }

  private List<String> collectTexts() throws IOException {
    List<String> all = new ArrayList<>(texts);
    if (textFile != null) {
      if (!Files.isRegularFile(textFile)) {
        throw new ParameterException(spec.commandLine(), "--texts " + textFile + ": no such file");
      }
      all.addAll(TextLines.read(textFile));
    }
    return all;
  }
}
