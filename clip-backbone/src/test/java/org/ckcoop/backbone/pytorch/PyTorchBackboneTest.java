package org.ckcoop.backbone.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.backbone.GoldenFixtures;
import org.ckcoop.backbone.safetensors.SafetensorsFile;
import org.ckcoop.common.engine.EngineArrays;
import org.ckcoop.common.engine.EngineRuntime;
import org.junit.jupiter.api.Test;

/**
 * The same tiny-b model as safetensors, {@code .bin}, {@code .pt} and TorchScript {@code .pt}: one
 * backbone identity, identical features, and features that match what torch computed with the traced
 * module.
 */
class PyTorchBackboneTest {

  private static float[][] features(ClipBackbone backbone, SafetensorsFile golden) {
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      NDArray pixels = EngineArrays.of(m, golden.readFloats("pixel_values"), new Shape(golden.entry("pixel_values").shape()));
      NDArray tokens = EngineArrays.of(m, golden.readLongs("text_tokens"), new Shape(golden.entry("text_tokens").shape()));
      return new float[][] {backbone.encodeImages(pixels).toFloatArray(), backbone.encodeTokens(tokens).toFloatArray()};
    }
  }

  @Test
  void safetensorsBinPtAndTorchScriptGiveOneIdentityAndTheSameFeatures() {
    try (SafetensorsFile golden = GoldenFixtures.golden("tiny-b/golden.safetensors");
        SafetensorsFile torchFeatures = SafetensorsFile.open(
            GoldenFixtures.path("torch/tiny-b/torchscript/torch-features.safetensors"));
        ClipBackbone original = ClipBackbone.load(GoldenFixtures.path("tiny-b/open_clip"))) {
      float[][] expected = features(original, golden);
      assertThat(GoldenFixtures.errorRelativeToNorm(expected[0], golden.readFloats("image_features"), 32)).isLessThan(1e-4);
      for (String folder : new String[] {"open_clip-bin", "wrapped-pt", "torchscript"}) {
        Path path = GoldenFixtures.path("torch/tiny-b/" + folder);
        try (ClipBackbone other = ClipBackbone.load(path)) {
          assertThat(other.identity()).as(folder).isEqualTo(original.identity());
          float[][] actual = features(other, golden);
          assertThat(actual[0]).as(folder).containsExactly(expected[0]);
          assertThat(actual[1]).as(folder).containsExactly(expected[1]);
        }
      }
      // what torch's traced module computed (F32, before its weights were cast to F16)
      assertThat(GoldenFixtures.errorRelativeToNorm(expected[0], torchFeatures.readFloats("image_features"), 32))
          .isLessThan(1e-4);
      assertThat(GoldenFixtures.errorRelativeToNorm(expected[1], torchFeatures.readFloats("text_features"), 32))
          .isLessThan(1e-4);
    }
  }

  @Test
  void theHuggingFaceBinAndShardsHaveTheIdentityOfTheirSafetensorsOriginal() {
    try (ClipBackbone original = ClipBackbone.load(GoldenFixtures.path("tiny-b/hf-eps"));
        ClipBackbone bin = ClipBackbone.load(GoldenFixtures.path("torch/tiny-b/hf-eps-bin"));
        ClipBackbone sharded = ClipBackbone.load(GoldenFixtures.path("torch/tiny-b/hf-eps-sharded"));
        SafetensorsFile golden = GoldenFixtures.golden("tiny-b/golden-hf-eps.safetensors")) {
      assertThat(bin.identity()).isEqualTo(original.identity());
      assertThat(sharded.identity()).isEqualTo(original.identity());
      float[][] expected = features(original, golden);
      assertThat(features(bin, golden)[0]).containsExactly(expected[0]);
      assertThat(features(sharded, golden)[1]).containsExactly(expected[1]);
      assertThat(GoldenFixtures.errorRelativeToNorm(features(sharded, golden)[1], golden.readFloats("text_features"), 32))
          .isLessThan(1e-4);
    }
  }
}
