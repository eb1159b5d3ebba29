package org.ckcoop.backbone;

import org.ckcoop.common.engine.EngineRuntime;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.ckcoop.backbone.model.Precision;
import org.ckcoop.backbone.safetensors.SafetensorsFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/** On a GPU host: F32 on the GPU matches the reference; F16 stays close to it. */
@Tag("gpu")
@EnabledIf("hasGpu")
class GpuPrecisionTest {
  static boolean hasGpu() {
    return EngineRuntime.gpuCount() > 0;
  }

  @Test
  void gpuFeaturesMatchTheReferenceInBothPrecisions() {
    try (SafetensorsFile golden = GoldenFixtures.golden("tiny-a/golden.safetensors")) {
      for (Precision precision : Precision.values()) {
        try (ClipBackbone backbone = ClipBackbone.load(GoldenFixtures.path("tiny-a/hf"),
                new BackboneOptions("gpu", precision));
            NDManager m = EngineRuntime.engine().newBaseManager(backbone.device())) {
          float[] image = backbone.encodeImages(m.create(golden.readFloats("pixel_values"), new Shape(3, 3, 32, 32))).toFloatArray();
          float[] text = backbone.encodeTokens(m.create(golden.readLongs("text_tokens"), new Shape(4, 16))).toFloatArray();
          double tolerance = precision == Precision.FP32 ? 1e-4 : 2e-2;
          assertThat(GoldenFixtures.errorRelativeToNorm(image, golden.readFloats("image_features"), 96)).isLessThan(tolerance);
          assertThat(GoldenFixtures.errorRelativeToNorm(text, golden.readFloats("text_features"), 96)).isLessThan(tolerance);
        }
      }
    }
  }
}
