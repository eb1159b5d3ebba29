package org.ckcoop.world.pretrain;

import org.ckcoop.common.files.AtomicWrite;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.common.InputException;
import org.ckcoop.common.ProjectVersion;
import org.ckcoop.backbone.checkpoint.ClipArchitecture;

/**
 * Writes a finished run's provenance: {@code pretrained.json} (machine-readable: command, recipe,
 * model, result, versions) and {@code PRETRAINED.md} (how the checkpoint was made, what it reached
 * and the exact command that remakes it).
 */
final class PretrainReport {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String FORMAT = "ckcoop-pretrained/1";

  private PretrainReport() {}

  static void write(Path output, PretrainSettings settings, ClipArchitecture architecture, String corpus,
      int vocabularySize, String commandLine, PretrainResult result, List<PretrainLogRow> rows) {
    String reproduce = "bin/ckcoop pretrain --output " + output + " " + settings.commandOptions();
    double meanMs = rows.stream().mapToDouble(r -> r.msPerStep()).average().orElse(Double.NaN);
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("command_line", commandLine);
    root.put("reproduce", reproduce);
    root.put("finished", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    ObjectNode recipe = root.putObject("recipe");
    settings.recipe().forEach(recipe::put);
    recipe.put("schedule", "linear warm-up then cosine to 0 (open_clip)");
    recipe.put("optimiser", String.format(Locale.ROOT,
        "AdamW(betas=(%s, %s), eps=%s), no weight decay on gains, biases, temperature",
        PretrainSettings.format(PretrainSettings.BETA1), PretrainSettings.format(PretrainSettings.BETA2),
        PretrainSettings.format(PretrainSettings.EPSILON)));
    recipe.put("loss", "symmetric InfoNCE, logit_scale trainable, clamped to ln 100");
    root.put("corpus", corpus);
    ObjectNode model = root.putObject("model");
    model.put("preset", settings.preset().label());
    model.put("architecture", architecture.describe());
    model.put("parameters", architecture.parameterCount());
    model.put("vocabulary_size", vocabularySize);
    model.put("weights", "model.safetensors (F16, Hugging Face CLIPModel layout)");
    model.put("content_hash", result.contentHash());
    ObjectNode outcome = root.putObject("result");
    outcome.put("steps", result.steps());
    outcome.put("examples_seen", (long) result.steps() * settings.batchSize());
    outcome.put("final_loss", round(result.finalLoss(), 5));
    outcome.put("final_in_batch_accuracy_percent", round(result.finalAccuracy(), 2));
    outcome.put("final_over", "mean of the last log interval (" + settings.logEvery() + " steps), image-to-text within a batch of "
        + settings.batchSize());
    outcome.put("wall_seconds", round(result.wallSeconds(), 1));
    outcome.put("mean_ms_per_step", round(meanMs, 1));
    outcome.put("resumed_at_step", result.resumedAt());
    ObjectNode compute = root.putObject("compute");
    compute.put("threads", settings.threads());
    compute.put("device", settings.device());
    compute.put("available_processors", Runtime.getRuntime().availableProcessors());
    ObjectNode versions = root.putObject("versions");
    versions.put("ckcoop", ProjectVersion.get());
    versions.put("engine", EngineRuntime.describe());
    versions.put("java", System.getProperty("java.version"));
    try {
      writeAtomically(output.resolve(Pretrainer.PROVENANCE), JSON.writeValueAsString(root) + "\n");
    } catch (IOException e) {
      throw new InputException(output.resolve(Pretrainer.PROVENANCE), "cannot write: " + e.getMessage(), e);
    }
    writeAtomically(output.resolve(Pretrainer.README), markdown(settings, architecture, corpus, vocabularySize,
        commandLine, reproduce, result, meanMs));
  }

  private static String markdown(PretrainSettings s, ClipArchitecture a, String corpus, int vocabularySize,
      String commandLine, String reproduce, PretrainResult r, double meanMs) {
    StringBuilder md = new StringBuilder();
    md.append("# Pretrained mini-CLIP (preset `").append(s.preset().label()).append("`)\n\n");
    md.append("A CLIP trained from scratch by `ckcoop pretrain` (ckcoop ").append(ProjectVersion.get())
        .append(") with CLIP's contrastive objective on a procedural corpus. Load it like any Hugging Face CLIP"
            + " checkpoint folder (`--backbone <this folder>`).\n\n");
    md.append("## Model\n\n");
    md.append("- ").append(a.describe()).append("\n");
    md.append(String.format(Locale.ROOT, "- %,d weights, stored as F16 in `model.safetensors` (Hugging Face CLIPModel"
        + " layout); BPE vocabulary of %d tokens learnt from the corpus's captions (`vocab.json`, `merges.txt`)%n",
        a.parameterCount(), vocabularySize));
    md.append("- Content hash: `").append(r.contentHash()).append("`\n\n");
    md.append("## Training\n\n");
    md.append("- Corpus: ").append(corpus).append("\n");
    md.append(String.format(Locale.ROOT, "- %,d steps of %d (image, caption) pairs (%,d examples, none repeated),"
        + " CLIP's initialisation from seed %d%n", r.steps(), s.batchSize(), (long) r.steps() * s.batchSize(), s.seed()));
    md.append(String.format(Locale.ROOT, "- Symmetric InfoNCE, trainable temperature clamped to ln 100; AdamW"
        + " (betas %s/%s, eps %s), peak lr %s, weight decay %s (not on gains, biases, temperature), %d warm-up"
        + " steps then cosine decay%n", PretrainSettings.format(PretrainSettings.BETA1),
        PretrainSettings.format(PretrainSettings.BETA2), PretrainSettings.format(PretrainSettings.EPSILON),
        PretrainSettings.format(s.learningRate()), PretrainSettings.format(s.weightDecay()), s.warmupSteps()));
    md.append("- Command: `").append(commandLine).append("`\n\n");
    md.append("## Result\n\n");
    md.append(String.format(Locale.ROOT, "- Final loss %.4f, in-batch image-to-text accuracy %.1f%% (batch %d, chance"
        + " %.1f%%), mean of the last %d steps%n", r.finalLoss(), r.finalAccuracy(), s.batchSize(),
        100.0 / s.batchSize(), s.logEvery()));
    md.append(String.format(Locale.ROOT, "- Wall time %.1f min (%.0f ms per step on %d thread(s)%s)%n",
        r.wallSeconds() / 60, meanMs, s.threads(), r.resumedAt() > 0 ? ", resumed at step " + r.resumedAt() : ""));
    md.append("- The loss curve is in `pretrain-log.tsv` (one row per ").append(s.logEvery()).append(" steps).\n\n");
    md.append("## Reproduce\n\n");
    md.append("```\n").append(reproduce).append("\n```\n\n");
    md.append("The run is seeded end to end (initial weights, the examples read, no other randomness): the same"
        + " command on the same machine with the same thread count writes the same `model.safetensors`, byte for"
        + " byte, also when interrupted and continued with `--resume`. Another CPU or thread count may change the"
        + " last bits of the floating-point sums, and so the weights slightly.\n");
    return md.toString();
  }

  private static double round(double v, int digits) {
    double scale = Math.pow(10, digits);
    return Math.round(v * scale) / scale;
  }

  private static void writeAtomically(Path file, String text) {
    try {
      AtomicWrite.text(file, text);
    } catch (IOException e) {
      throw new InputException(file, "cannot write: " + e.getMessage(), e);
    }
  }
}
