package org.ckcoop.world.pretrain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ckcoop.common.InputException;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.backbone.safetensors.SafetensorsException;
import org.ckcoop.backbone.safetensors.SafetensorsFile;
import org.ckcoop.backbone.safetensors.SafetensorsWriter;
import org.ckcoop.backbone.safetensors.StorageType;
import org.ckcoop.backbone.safetensors.TensorEntry;

/**
 * The resume state of a run, one safetensors file ({@code pretrain-state/state.safetensors}, written
 * atomically): every weight in F32 under {@code weight/<name>} (canonical shape), AdamW's moments under
 * {@code adam_m/<name>} and {@code adam_v/<name>}, and in the metadata the steps done (which is also
 * the data position, see {@link PretrainBatches}), the wall time so far and the run's recipe.
 *
 * @param stepsDone steps done (and optimiser updates applied)
 * @param wallSeconds wall time spent so far
 * @param recipe the settings that decide the weights ({@link PretrainSettings#recipe()})
 * @param weights canonical weights
 * @param firstMoments AdamW first moments by parameter name
 * @param secondMoments AdamW second moments by parameter name
 */
record PretrainState(
    int stepsDone,
    double wallSeconds,
    Map<String, String> recipe,
    Map<String, FloatTensor> weights,
    Map<String, float[]> firstMoments,
    Map<String, float[]> secondMoments) {
  /** The state folder inside an output folder. */
  static final String FOLDER = "pretrain-state";
  /** The state file inside the state folder. */
  static final String FILE = "state.safetensors";
  private static final String FORMAT = "ckcoop-pretrain-state/1";

  /** Returns the state file of an output folder. */
  static Path file(Path output) {
    return output.resolve(FOLDER).resolve(FILE);
  }

  /** Writes the state atomically (a reader sees the previous state or this one, never a mix). */
  void write(Path output) {
    SafetensorsWriter writer = new SafetensorsWriter()
        .putMetadata("format", FORMAT)
        .putMetadata("steps_done", Integer.toString(stepsDone))
        .putMetadata("wall_seconds", Double.toString(wallSeconds));
    recipe.forEach((k, v) -> writer.putMetadata("recipe." + k, v));
    weights.forEach((name, t) -> writer.addFloats("weight/" + name, t.data(), t.shape(), StorageType.F32));
    firstMoments.forEach((name, m) -> writer.addFloats("adam_m/" + name, m, new long[] {m.length}, StorageType.F32));
    secondMoments.forEach((name, v) -> writer.addFloats("adam_v/" + name, v, new long[] {v.length}, StorageType.F32));
    writer.write(file(output));
  }

  /**
   * Reads the state of an output folder.
   *
   * @throws InputException naming the file when it is missing or not a pretraining state
   */
  static PretrainState read(Path output) {
    Path file = file(output);
    if (!Files.isRegularFile(file)) {
      throw new InputException(output, "no resume state (" + FOLDER + "/" + FILE + ") to continue from");
    }
    try (SafetensorsFile in = SafetensorsFile.open(file)) {
      Map<String, String> meta = in.metadata();
      if (!FORMAT.equals(meta.get("format"))) {
        throw new InputException(file, "format is '" + meta.get("format") + "', expected '" + FORMAT + "'");
      }
      Map<String, String> recipe = new LinkedHashMap<>();
      meta.forEach((k, v) -> {
        if (k.startsWith("recipe.")) {
          recipe.put(k.substring(7), v);
        }
      });
      Map<String, FloatTensor> weights = new LinkedHashMap<>();
      Map<String, float[]> first = new LinkedHashMap<>();
      Map<String, float[]> second = new LinkedHashMap<>();
      for (TensorEntry e : in.entries().values()) {
        String name = e.name();
        if (name.startsWith("weight/")) {
          weights.put(name.substring(7), new FloatTensor(e.shape(), in.readFloats(name)));
        } else if (name.startsWith("adam_m/")) {
          first.put(name.substring(7), in.readFloats(name));
        } else if (name.startsWith("adam_v/")) {
          second.put(name.substring(7), in.readFloats(name));
        } else {
          throw new InputException(file, "unexpected tensor '" + name + "'");
        }
      }
      return new PretrainState(Integer.parseInt(meta.get("steps_done")), Double.parseDouble(meta.get("wall_seconds")),
          recipe, weights, first, second);
    } catch (SafetensorsException | NumberFormatException | NullPointerException e) {
      throw new InputException(file, "not a readable pretraining state: " + e.getMessage(), e);
    }
  }

  /** Deletes the state folder of an output folder (after the run finished). */
  static void delete(Path output) {
    try {
      Files.deleteIfExists(file(output));
      Files.deleteIfExists(output.resolve(FOLDER));
    } catch (IOException e) {
      throw new InputException(output.resolve(FOLDER), "cannot delete the finished run's resume state: " + e.getMessage(), e);
    }
  }
}
