package org.ckcoop.core.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Realistic sections used by the tests: optim, train, learner and one toy learner. */
final class TestSections {

  private TestSections() {}

  enum OptimizerName { SGD, ADAMW }

  enum Schedule { COSINE, CONSTANT }

  enum Position { END, MIDDLE, FRONT }

  enum Warmup { LINEAR, CONSTANT_LR }

  record OptimSettings(
      @Setting(description = "optimizer", defaultValue = "sgd") OptimizerName name,
      @Setting(description = "learning rate", defaultValue = "0.002", min = 0, minExclusive = true) double lr,
      @Setting(description = "SGD momentum", defaultValue = "0.9", min = 0, max = 1, maxExclusive = true)
          double momentum,
      @Setting(description = "weight decay", defaultValue = "5e-4", min = 0) double weightDecay,
      @Setting(description = "warm-up epochs", defaultValue = "1", min = 0) int warmupEpochs,
      @Setting(description = "warm-up learning rate", defaultValue = "1e-5", min = 0) double warmupLr,
      @Setting(description = "learning-rate schedule", defaultValue = "cosine") Schedule schedule) {}

  record TrainSettings(
      @Setting(description = "training epochs", defaultValue = "50", min = 1) int epochs,
      @Setting(description = "images per batch", defaultValue = "32", min = 1) int batchSize,
      @Setting(description = "random seed", defaultValue = "1") long seed,
      @Setting(description = "drop the last incomplete batch", defaultValue = "false") boolean dropLast) {}

  record LearnerChoice(@Setting(description = "the learner to train", defaultValue = "toy") String name) {}

  /** A learner's settings with a cross-field check: the factor shapes multiply to n_ctx. */
  record ToySettings(
      @Setting(description = "context tokens", defaultValue = "4", min = 1, max = 64) int nCtx,
      @Setting(description = "context initialisation", defaultValue = "a photo of a") String ctxInit,
      @Setting(description = "where the class token goes", defaultValue = "end") Position classTokenPosition,
      @Setting(description = "Kronecker factor shapes", defaultValue = "", min = 1) List<Integer> factorShapes) {
    ToySettings {
      int product = factorShapes.stream().reduce(1, (a, b) -> a * b);
      if (!factorShapes.isEmpty() && product != nCtx) {
        throw new IllegalArgumentException(
            "factor_shapes " + factorShapes + " multiply to " + product + ", not n_ctx = " + nCtx);
      }
    }
  }

  /** Every other supported type. */
  record OtherSettings(
      @Setting(description = "mixing weights", defaultValue = "0.5, 0.25", min = 0, max = 1) List<Double> weights,
      @Setting(description = "tags", defaultValue = "[]") List<String> tags,
      @Setting(description = "a float", defaultValue = "1.5") float scale,
      @Setting(description = "a long", defaultValue = "-7", min = -10) long offset,
      @Setting(description = "warm-up kind", defaultValue = "constant-lr") Warmup warmup,
      @Setting(description = "enabled", defaultValue = "TRUE") Boolean enabled,
      @Setting(description = "a signed double", defaultValue = "0") double shift) {}

  static final ConfigSection<OptimSettings> OPTIM = ConfigSection.of("optim", OptimSettings.class, "optimizer");
  static final ConfigSection<TrainSettings> TRAIN = ConfigSection.of("train", TrainSettings.class, "training loop");
  static final ConfigSection<LearnerChoice> LEARNER =
      ConfigSection.of("learner", LearnerChoice.class, "which learner");
  static final ConfigSection<ToySettings> TOY = ConfigSection.of("learner.toy", ToySettings.class, "a toy learner");
  static final ConfigSection<OtherSettings> OTHER = ConfigSection.of("other", OtherSettings.class, "other types");

  static final ConfigSchema SCHEMA = ConfigSchema.of(LEARNER, OPTIM, TRAIN, TOY, OTHER);

  /** The sections a run of the toy learner resolves. */
  static final List<ConfigSection<?>> RUN = List.of(LEARNER, TOY, OPTIM, TRAIN);

  static LayeredConfig.Builder builder() {
    return LayeredConfig.builder(SCHEMA);
  }

  static LayeredConfig.Builder builder(String... overrides) {
    return LayeredConfig.builder(SCHEMA).overrides(List.of(overrides));
  }

  static Path write(Path dir, String name, String text) {
    try {
      Path file = dir.resolve(name);
      Files.writeString(file, text, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
