package org.ckcoop.backbone.checkpoint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.ckcoop.backbone.safetensors.SafetensorsWriter;
import org.ckcoop.backbone.safetensors.StorageType;

/** Assembles canonical weights from stored tensors (validating every name and shape) and back. */
final class CanonicalWeights {
  private CanonicalWeights() {}

  /**
   * Reads every weight of {@code architecture} through the layout's recipes. Every stored tensor must
   * be used, except those {@code ignorable} accepts (buffers such as {@code position_ids}).
   *
   * @throws CheckpointException naming the file and tensor for a missing, unexpected or misshaped
   *     tensor
   */
  static Map<String, FloatTensor> assemble(
      CheckpointTensors stored,
      ClipArchitecture architecture,
      BiFunction<String, long[], WeightRecipe> recipes,
      Predicate<String> ignorable,
      String shapeOrigin) {
    Map<String, WeightRecipe> plan = new LinkedHashMap<>();
    architecture.expectedShapes().forEach((name, shape) -> plan.put(name, recipes.apply(name, shape)));
    List<String> missing = new ArrayList<>();
    for (WeightRecipe recipe : plan.values()) {
      for (int i = 0; i < recipe.sourceNames().size(); i++) {
        String name = recipe.sourceNames().get(i);
        if (!stored.contains(name)) {
          missing.add("'" + name + "' " + Arrays.toString(recipe.sourceShapes().get(i)));
          continue;
        }
        long[] found = stored.shape(name);
        long[] expected = recipe.sourceShapes().get(i);
        if (!Arrays.equals(found, expected)) {
          throw new CheckpointException(
              stored.fileOf(name),
              "tensor '" + name + "' has shape " + Arrays.toString(found) + ", expected "
                  + Arrays.toString(expected) + " (" + shapeOrigin + ")");
        }
      }
    }
    if (!missing.isEmpty()) {
      throw new CheckpointException(
          stored.description(),
          "missing tensor" + (missing.size() > 1 ? "s" : "") + " " + first(missing, 5)
              + " (expected for " + shapeOrigin + ")");
    }
    Set<String> used = new HashSet<>();
    plan.values().forEach(r -> used.addAll(r.sourceNames()));
    List<String> unexpected = stored.names().stream()
        .filter(n -> !used.contains(n) && !ignorable.test(n))
        .map(n -> "'" + n + "' " + Arrays.toString(stored.shape(n)))
        .toList();
    if (!unexpected.isEmpty()) {
      throw new CheckpointException(
          stored.fileOf(unexpected.get(0).substring(1, unexpected.get(0).indexOf('\'', 1))),
          "unexpected tensor" + (unexpected.size() > 1 ? "s" : "") + " " + first(unexpected, 5)
              + ": not part of a CLIP model with " + shapeOrigin);
    }
    Map<String, FloatTensor> weights = new LinkedHashMap<>();
    for (Map.Entry<String, WeightRecipe> e : plan.entrySet()) {
      List<FloatTensor> parts = e.getValue().sourceNames().stream().map(stored::read).toList();
      weights.put(e.getKey(), e.getValue().combine().apply(parts));
    }
    return weights;
  }

  /** Adds the canonical weights to a writer under the layout's names, stored as {@code type}. */
  static void disassemble(
      Map<String, FloatTensor> weights,
      BiFunction<String, long[], WeightRecipe> recipes,
      SafetensorsWriter writer,
      StorageType type) {
    for (Map.Entry<String, FloatTensor> e : weights.entrySet()) {
      WeightRecipe recipe = recipes.apply(e.getKey(), e.getValue().shape());
      List<FloatTensor> parts = recipe.split().apply(e.getValue());
      for (int i = 0; i < parts.size(); i++) {
        writer.addFloats(recipe.sourceNames().get(i), parts.get(i).data(), parts.get(i).shape(), type);
      }
    }
  }

  private static String first(List<String> items, int n) {
    String shown = items.stream().limit(n).collect(Collectors.joining(", "));
    return items.size() > n ? shown + " and " + (items.size() - n) + " more" : shown;
  }
}
