package org.ckcoop.backbone.pytorch;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.backbone.GoldenFixtures;
import org.ckcoop.backbone.checkpoint.ResNetShape;
import org.ckcoop.backbone.safetensors.SafetensorsFile;
import org.ckcoop.common.engine.EngineArrays;
import org.ckcoop.common.engine.EngineRuntime;
import org.junit.jupiter.api.Test;

/**
 * The tiny ModifiedResNet CLIP written by torch ({@code golden/torch/resnet}): its state-dict
 * {@code .bin} and its TorchScript archive load as one backbone, and the Java ResNet tower computes
 * what torch computed.
 */
class PyTorchResNetTest {

  @Test
  void theTorchWrittenResNetClipLoadsFromBothFilesAndMatchesTorchsFeatures() {
    try (SafetensorsFile golden = SafetensorsFile.open(GoldenFixtures.path("torch/resnet/golden.safetensors"));
        ClipBackbone bin = ClipBackbone.load(GoldenFixtures.path("torch/resnet/rn-tiny.bin"));
        ClipBackbone script = ClipBackbone.load(GoldenFixtures.path("torch/resnet/rn-tiny-torchscript.pt"));
        NDManager m = EngineRuntime.engine().newBaseManager()) {
      assertThat(bin.architecture().imageTower()).isEqualTo(new ResNetShape(List.of(2, 1, 2, 1), 4, 2));
      assertThat(bin.architecture().imageResolution()).isEqualTo(64);
      assertThat(bin.architecture().embedDim()).isEqualTo(32);
      assertThat(script.identity()).isEqualTo(bin.identity());
      NDArray pixels = EngineArrays.of(m, golden.readFloats("pixel_values"), new Shape(golden.entry("pixel_values").shape()));
      NDArray tokens = EngineArrays.of(m, golden.readLongs("text_tokens"), new Shape(golden.entry("text_tokens").shape()));
      float[] image = bin.encodeImages(pixels).toFloatArray();
      float[] text = bin.encodeTokens(tokens).toFloatArray();
      double imageError = GoldenFixtures.errorRelativeToNorm(image, golden.readFloats("image_features"), 32);
      double textError = GoldenFixtures.errorRelativeToNorm(text, golden.readFloats("text_features"), 32);
      System.out.printf("torch-written tiny ResNet CLIP vs torch: image %.3e, text %.3e of the feature norm%n",
          imageError, textError);
      assertThat(imageError).isLessThan(1e-4);
      assertThat(textError).isLessThan(1e-4);
      assertThat(script.encodeImages(pixels).toFloatArray()).containsExactly(image);
      assertThat(bin.logitScale()).isEqualTo(golden.readFloats("logit_scale")[0]);
    }
  }
}
