package org.ckcoop.backbone.encode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.common.ProjectVersion;
import org.ckcoop.backbone.safetensors.SafetensorsWriter;
import org.ckcoop.backbone.safetensors.StorageType;

/**
 * The output of {@code encode}: a safetensors file with F32 {@code image_features} [N, embed] and
 * {@code text_features} [M, embed] (projected, not normalised), I64 {@code text_tokens}
 * [M, context_length], the scalar {@code logit_scale}, and {@code __metadata__} recording the image
 * paths, the texts (and which were truncated to the context length), the backbone identity, source
 * and architecture, the preprocessing, the device and precision, and the project version.
 */
public final class FeatureFile {
  /** The value of the {@code format} metadata entry. */
  public static final String FORMAT = "ckcoop-features/1";

  private static final ObjectMapper JSON = new ObjectMapper();

  private FeatureFile() {}

  /** Writes the file atomically (an existing file is replaced only once the new one is complete). */
  public static void write(
      Path out,
      ClipBackbone backbone,
      String preprocessing,
      List<Path> images,
      float[] imageFeatures,
      List<String> texts,
      long[][] tokens,
      float[] textFeatures,
      List<Integer> truncatedTexts) {
    int embed = backbone.architecture().embedDim();
    int context = backbone.architecture().contextLength();
    long[] flatTokens = new long[texts.size() * context];
    for (int i = 0; i < tokens.length; i++) {
      System.arraycopy(tokens[i], 0, flatTokens, i * context, context);
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", FORMAT);
    meta.put("ckcoop_version", ProjectVersion.get());
    meta.put("backbone_identity", backbone.identity());
    meta.put("backbone_source", backbone.source());
    meta.put("architecture", backbone.architecture().describe());
    meta.put("features", "projected, not normalised; logits = exp(logit_scale) * cos(image, text)");
    meta.put("device", EngineRuntime.name(backbone.device()));
    meta.put("precision", backbone.precision().name().toLowerCase(java.util.Locale.ROOT));
    meta.put("preprocessing", preprocessing);
    meta.put("image_paths", json(images.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList()));
    meta.put("texts", json(texts));
    meta.put("truncated_texts", json(truncatedTexts));
    new SafetensorsWriter()
        .putAllMetadata(meta)
        .addFloats("image_features", imageFeatures, new long[] {images.size(), embed}, StorageType.F32)
        .addFloats("text_features", textFeatures, new long[] {texts.size(), embed}, StorageType.F32)
        .addLongs("text_tokens", flatTokens, new long[] {texts.size(), context})
        .addFloats("logit_scale", new float[] {backbone.logitScale()}, new long[] {}, StorageType.F32)
        .write(out);
  }

  private static String json(List<?> values) {
    try {
      return JSON.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
