package org.ckcoop.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ckcoop.backbone.checkpoint.CheckpointLayout;
import org.ckcoop.backbone.checkpoint.ClipArchitecture;
import org.ckcoop.backbone.checkpoint.ClipCheckpoint;
import org.ckcoop.backbone.checkpoint.RandomCheckpoints;
import org.ckcoop.backbone.safetensors.StorageType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ckcoop random-checkpoint}: a random CLIP checkpoint folder, for trying the tools out. */
@Command(
    name = "random-checkpoint",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a CLIP checkpoint with random weights (CLIP's initialisation scales) and a small built-in"
          + " BPE tokenizer, in either layout and dtype. Deterministic for a seed. The weights are"
          + " random: features are meaningless, but every code path is real."
    })
public final class RandomCheckpointCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write.")
  Path out;

  @Option(names = "--preset", defaultValue = "tiny", paramLabel = "NAME",
      description = "Architecture: tiny, tiny-rn, vit-b-32, vit-b-16, vit-l-14, rn50, rn101, rn50x4, rn50x16,"
          + " rn50x64 (default: ${DEFAULT-VALUE}).")
  String preset;

  @Option(names = "--layout", paramLabel = "NAME",
      description = "huggingface, openai (with open_clip_config.json) or openai-noconfig (default: huggingface for"
          + " ViT presets, openai for ResNet ones: Hugging Face's CLIPModel has no ResNet tower).")
  String layout;

  @Option(names = "--dtype", defaultValue = "f16", paramLabel = "f32|f16|bf16", description = "Storage type (default: ${DEFAULT-VALUE}).")
  String dtype;

  @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() {
    ClipArchitecture architecture = RandomCheckpoints.preset(preset);
    if (layout == null) {
      layout = architecture.hasVitImageTower() ? "huggingface" : "openai";
    }
    StorageType type = switch (dtype.toLowerCase(java.util.Locale.ROOT)) {
      case "f32" -> StorageType.F32;
      case "f16" -> StorageType.F16;
      case "bf16" -> StorageType.BF16;
      default -> throw new ParameterException(spec.commandLine(), "--dtype " + dtype + " is not one of f32, f16, bf16");
    };
    ClipCheckpoint written = RandomCheckpoints.write(out, architecture, CheckpointLayout.named(layout), type, seed);
    System.out.printf(Locale.ROOT, "wrote %s: %s layout, %s, %,d parameters, seed %d%n", out, layout,
        type, architecture.parameterCount(), seed);
    System.out.printf(Locale.ROOT, "content hash %s%n", written.contentHash());
    return 0;
  }
}
