package org.ckcoop.core.learner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ckcoop.common.InputException;
import org.ckcoop.common.ProjectVersion;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.backbone.safetensors.SafetensorsFile;
import org.ckcoop.backbone.safetensors.SafetensorsWriter;
import org.ckcoop.backbone.safetensors.StorageType;
import org.ckcoop.backbone.safetensors.TensorEntry;

/**
 * A learner state file: safetensors with the learner's state tensors (F32, under the names the
 * learner documents) and {@code __metadata__} entries {@code format}, {@code learner} (its name),
 * {@code learner_config} (the resolved learner settings as a JSON object), {@code backbone_identity},
 * {@code class_names} (a JSON array) and {@code ckcoop_version}. A state file written by hand with the
 * documented tensor names and a {@code learner} entry loads too.
 *
 * @param learner the learner's name
 * @param learnerConfig the resolved learner settings (key to canonical value)
 * @param backboneIdentity the identity of the backbone it was trained on (may be empty)
 * @param classNames the class names it was trained with (may be empty)
 * @param tensors the state tensors by name
 */
public record LearnerStateFile(
    String learner,
    Map<String, String> learnerConfig,
    String backboneIdentity,
    List<String> classNames,
    Map<String, FloatTensor> tensors) {

  /** The value of the {@code format} metadata entry. */
  public static final String FORMAT = "ckcoop-learner-state/1";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Captures a learner's current state. */
  public static LearnerStateFile of(
      String learnerName, PromptLearner learner, Map<String, String> learnerConfig, String backboneIdentity) {
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    learner.stateTensors().forEach((name, array) ->
        tensors.put(name, new FloatTensor(array.getShape().getShape(), array.toFloatArray())));
    return new LearnerStateFile(learnerName, new TreeMap<>(learnerConfig), backboneIdentity, learner.classNames(), tensors);
  }

  /** Writes the file atomically. */
  public void write(Path file) {
    SafetensorsWriter writer = new SafetensorsWriter()
        .putMetadata("format", FORMAT)
        .putMetadata("learner", learner)
        .putMetadata("learner_config", json(new TreeMap<>(learnerConfig)))
        .putMetadata("backbone_identity", backboneIdentity)
        .putMetadata("class_names", json(classNames))
        .putMetadata("ckcoop_version", ProjectVersion.get());
    tensors.forEach((name, t) -> writer.addFloats(name, t.data(), t.shape(), StorageType.F32));
    writer.write(file);
  }

  /**
   * Reads a state file.
   *
   * @throws InputException naming the file when it is missing, corrupt, has no {@code learner} entry, or
   *     a tensor holds a NaN or an infinity
   */
  public static LearnerStateFile read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new InputException(file, "learner state file not found");
    }
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      Map<String, String> meta = f.metadata();
      String learner = meta.get("learner");
      if (learner == null || learner.isBlank()) {
        throw new InputException(file, "no 'learner' entry in the safetensors metadata (which learner wrote it?)");
      }
      Map<String, FloatTensor> tensors = new LinkedHashMap<>();
      for (TensorEntry e : f.entries().values()) {
        float[] values = f.readFloats(e.name());
        StateCheck.requireFinite(file, e.name(), values);
        tensors.put(e.name(), new FloatTensor(e.shape(), values));
      }
      try {
        Map<String, String> config = meta.containsKey("learner_config")
            ? JSON.readValue(meta.get("learner_config"), JSON.getTypeFactory().constructMapType(TreeMap.class, String.class, String.class))
            : Map.of();
        List<String> names = meta.containsKey("class_names")
            ? List.of(JSON.readValue(meta.get("class_names"), String[].class))
            : List.of();
        return new LearnerStateFile(learner, config, meta.getOrDefault("backbone_identity", ""), names, tensors);
      } catch (JsonProcessingException e) {
        throw new InputException(file, "corrupt metadata: " + e.getOriginalMessage(), e);
      }
    }
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
