package org.ckcoop.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ckcoop.backbone.BackboneOptions;
import org.ckcoop.common.InputException;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.common.ProjectVersion;
import org.ckcoop.backbone.encode.FeatureEncoder;
import org.ckcoop.backbone.model.Precision;
import org.ckcoop.backbone.safetensors.SafetensorsWriter;
import org.ckcoop.backbone.safetensors.StorageType;
import org.ckcoop.core.classify.PromptClassifier;
import org.ckcoop.core.config.LayeredConfig;
import org.ckcoop.core.learner.LearnerContext;
import org.ckcoop.core.learner.LearnerStateFile;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.learner.text.TextPromptLearner;
import org.ckcoop.core.learner.PromptLearnerFactory;
import org.ckcoop.core.plugin.LearnerRegistry;
import org.ckcoop.core.run.CoreSettings;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import org.ckcoop.common.engine.EngineArrays;

/**
 * {@code ckcoop predict}: classifies images into any class list with a saved learner state (or
 * zero-shot CLIP), the way a researcher evaluates a trained prompt on new classes.
 */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = {
      "Classifies images with a learner state file (from training, or written by hand with the learner's"
          + " documented tensor names) into the given classes, and writes F32 logits [N, n_cls] and"
          + " text_features ([n_cls, embed], or [N, n_cls, embed] for image-conditional learners)."
    })
public final class PredictCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--backbone", required = true, paramLabel = "DIR", description = "Checkpoint folder.")
  Path backbone;

  @ArgGroup(exclusive = true, multiplicity = "1")
  LearnerChoice learner;

  /** Either a state file or a learner without state (zsclip). */
  static final class LearnerChoice {
    @Option(names = "--learner-state", paramLabel = "FILE", description = "A learner state file (.safetensors).")
    Path stateFile;

    @Option(names = "--learner", paramLabel = "NAME", description = "A learner that needs no state, e.g. zsclip.")
    String name;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  ClassChoice classes;

  /** The class names, inline or from a file. */
  static final class ClassChoice {
    @Option(names = "--classes", paramLabel = "a,b,c", split = ",", description = "Comma-separated class names.")
    List<String> names;

    @Option(names = "--classes-file", paramLabel = "FILE", description = "A UTF-8 file with one class name per line.")
    Path file;
  }

  @Option(names = "--images", required = true, paramLabel = "DIR", description = "A folder of images (png, jpg, jpeg), sorted by name.")
  Path images;

  @Option(names = "--template", defaultValue = LearnerContext.DEFAULT_TEMPLATE, paramLabel = "TEXT",
      description = "Hand-crafted prompt with {} for the class name (default: ${DEFAULT-VALUE}).")
  String template;

  @Option(names = "--out", required = true, paramLabel = "FILE.safetensors", description = "Output file (written atomically).")
  Path out;

  @Option(names = "--device", defaultValue = "auto", description = "cpu, gpu, gpu:N or auto (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--batch-size", defaultValue = "32", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
  int batchSize;

  /** Refuses a non-finite row of features or logits, naming its image (an argmax over NaN would be class 0). */
  static void requireFinite(float[] values, int width, List<Path> images, String what) {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        int row = i / width;
        throw new InputException(images.get(row), "the " + what + " of this image (row " + row + ") is " + values[i]
            + " at index " + (i % width) + "; nothing was written (an argmax over NaN would pick class 0)");
      }
    }
  }

  @Override
  public Integer call() throws JsonProcessingException {
    PrintWriter err = spec.commandLine().getErr();
    List<String> classNames = classes.names != null ? classes.names.stream().map(String::trim).toList() : TextLines.read(classes.file);
    if (classNames.isEmpty() || classNames.stream().anyMatch(String::isBlank)) {
      throw new ParameterException(spec.commandLine(), "class names must be non-empty: " + classNames);
    }
    List<Path> files = ImageFolder.list(images, "--images");
    LearnerStateFile state = learner.stateFile == null ? null : LearnerStateFile.read(learner.stateFile);
    if (state != null) {
    }
    String name = state == null ? learner.name : state.learner();
    LearnerRegistry registry = LearnerRegistry.discover();
    PromptLearnerFactory factory = registry.factory(name);
    LayeredConfig.Builder config = LayeredConfig.builder(CoreSettings.schema(registry));
    if (state != null) {
      state.learnerConfig().forEach((k, v) -> config.override(k + "=" + v));
    }
    Record settings = config.build().bind(CoreSettings.learnerSection(factory));
    try (ClipBackbone model = ClipBackbone.load(backbone, new BackboneOptions(device, Precision.FP32))) {
      if (state != null && !state.backboneIdentity().isEmpty() && !state.backboneIdentity().equals(model.identity())) {
        err.printf(Locale.ROOT, "warning: %s was trained on backbone %s, this is %s%n", learner.stateFile,
            state.backboneIdentity(), model.identity());
      }
      try (PromptLearner prompts = factory.create(new LearnerContext(model, classNames, settings, template, 0))) {
        if (state != null) {
          try {
            prompts.loadState(state.tensors());
          } catch (InputException e) {
            throw new InputException(learner.stateFile, e.getMessage(), e);
          }
        }
        int embed = model.architecture().embedDim();
        float[] features = new FeatureEncoder(model, batchSize).encodeImages(files, n -> { });
        requireFinite(features, embed, files, "image feature");
        float[] logits = PromptClassifier.logits(prompts, model, files, features, batchSize); // pixels for deep prompts
        requireFinite(logits, classNames.size(), files, "logits");
        float[] text = null;
        long[] textShape = null;
        if (prompts instanceof TextPromptLearner textLearner) { // class text features exist for text-side learners
          try (NDManager m = EngineRuntime.engine().newBaseManager(model.device())) {
            NDArray image = EngineArrays.of(m, features, new Shape(files.size(), embed));
            text = textLearner.textFeatures(m, textLearner.imageConditional() ? image : null).toFloatArray();
            textShape = textLearner.imageConditional()
                ? new long[] {files.size(), classNames.size(), embed} : new long[] {classNames.size(), embed};
          }
        }
        ObjectMapper json = new ObjectMapper();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "ckcoop-predictions/1");
        meta.put("ckcoop_version", ProjectVersion.get());
        meta.put("learner", name);
        meta.put("learner_state", state == null ? "" : learner.stateFile.toAbsolutePath().toString());
        meta.put("backbone_identity", model.identity());
        meta.put("template", template);
        meta.put("class_names", json.writeValueAsString(classNames));
        meta.put("image_paths", json.writeValueAsString(files.stream().map(p -> p.toAbsolutePath().toString()).toList()));
        SafetensorsWriter writer = new SafetensorsWriter().putAllMetadata(meta)
            .addFloats("logits", logits, new long[] {files.size(), classNames.size()}, StorageType.F32);
        if (text != null) {
          writer.addFloats("text_features", text, textShape, StorageType.F32);
        }
        writer.write(out);
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: logits [%d, %d] (%s, %s)%n", out, files.size(),
            classNames.size(), name, state == null ? "no state" : learner.stateFile);
      }
    }
    return 0;
  }
}
