package org.ckcoop.backbone.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.backbone.GoldenFixtures;
import org.ckcoop.backbone.checkpoint.CheckpointLayout;
import org.ckcoop.backbone.checkpoint.ClipCheckpoint;
import org.ckcoop.backbone.safetensors.SafetensorsFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The DJL forward pass against the numpy port of OpenAI's CLIP, tensor by tensor. */
class ClipNetworkGoldenTest {

  @org.junit.jupiter.api.Test
  void halfPrecisionStaysCloseToTheReferenceOnBothTextEntryPoints() {
    // The backbone offers FP16 only on GPUs; PyTorch also runs it on the CPU, which lets this test
    // check the F16 code path (casts at every entry point, F32 layer norms) on any machine.
    ClipCheckpoint checkpoint = CheckpointLayout.read(GoldenFixtures.path("tiny-a/hf"));
    try (NDManager manager = EngineRuntime.engine().newBaseManager();
        SafetensorsFile golden = GoldenFixtures.golden("tiny-a/golden.safetensors")) {
      ClipNetwork network = new ClipNetwork(checkpoint, manager, Precision.FP16);
      NDArray pixels = manager.create(golden.readFloats("pixel_values"), new Shape(3, 3, 32, 32));
      NDArray image = network.encodeImages(pixels);
      assertThat(image.getDataType()).isEqualTo(ai.djl.ndarray.types.DataType.FLOAT32);
      assertThat(GoldenFixtures.errorRelativeToNorm(image.toFloatArray(), golden.readFloats("image_features"), 96))
          .isLessThan(2e-2);
      NDArray ids = manager.create(golden.readLongs("text_tokens"), new Shape(4, 16)).toType(ai.djl.ndarray.types.DataType.INT32, false);
      NDArray text = network.encodeTokenEmbeddings(network.embedTokens(ids), new int[] {8, 4, 14, 15});
      assertThat(GoldenFixtures.errorRelativeToNorm(text.toFloatArray(), golden.readFloats("text_features"), 96))
          .isLessThan(2e-2);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "tiny-a/openai, tiny-a/golden.safetensors",
    "tiny-a/hf, tiny-a/golden.safetensors",
    "tiny-b/open_clip, tiny-b/golden.safetensors",
    "tiny-b/hf-eps, tiny-b/golden-hf-eps.safetensors"
  })
  void featuresMatchTheReference(String folder, String goldenFile) {
    ClipCheckpoint checkpoint = CheckpointLayout.read(GoldenFixtures.path(folder));
    int embed = checkpoint.architecture().embedDim();
    try (NDManager manager = EngineRuntime.engine().newBaseManager();
        SafetensorsFile golden = GoldenFixtures.golden(goldenFile)) {
      ClipNetwork network = new ClipNetwork(checkpoint, manager, Precision.FP32);
      NDArray pixels = manager.create(golden.readFloats("pixel_values"), new Shape(golden.entry("pixel_values").shape()));
      float[] image = network.encodeImages(pixels).toFloatArray();
      assertThat(GoldenFixtures.errorRelativeToNorm(image, golden.readFloats("image_features"), embed))
          .isLessThan(1e-4);

      long[] tokens = golden.readLongs("text_tokens");
      long[] shape = golden.entry("text_tokens").shape();
      int length = (int) shape[1];
      int[] eot = new int[(int) shape[0]];
      for (int i = 0; i < eot.length; i++) {
        long max = -1;
        for (int j = 0; j < length; j++) {
          if (tokens[i * length + j] > max) {
            max = tokens[i * length + j];
            eot[i] = j;
          }
        }
      }
      NDArray embeddings = network.embedTokens(manager.create(tokens, new Shape(shape)));
      float[] text = network.encodeTokenEmbeddings(embeddings, eot).toFloatArray();
      assertThat(GoldenFixtures.errorRelativeToNorm(text, golden.readFloats("text_features"), embed))
          .isLessThan(1e-4);
      assertThat(network.logitScale()).isEqualTo(golden.readFloats("logit_scale")[0]);
    }
  }
}
