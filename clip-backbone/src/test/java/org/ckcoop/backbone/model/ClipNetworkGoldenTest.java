package org.ckcoop.backbone.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.ckcoop.backbone.EngineRuntime;
import org.ckcoop.backbone.GoldenFixtures;
import org.ckcoop.backbone.checkpoint.CheckpointLayout;
import org.ckcoop.backbone.checkpoint.ClipCheckpoint;
import org.ckcoop.backbone.safetensors.SafetensorsFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The DJL forward pass against the numpy port of OpenAI's CLIP, tensor by tensor. */
class ClipNetworkGoldenTest {

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
