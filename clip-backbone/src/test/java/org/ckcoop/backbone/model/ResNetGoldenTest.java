package org.ckcoop.backbone.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.backbone.GoldenFixtures;
import org.ckcoop.backbone.checkpoint.CheckpointLayout;
import org.ckcoop.backbone.checkpoint.ClipCheckpoint;
import org.ckcoop.backbone.checkpoint.OpenAiLayout;
import org.ckcoop.backbone.checkpoint.ResNetShape;
import org.ckcoop.backbone.prompts.VisionLayerPrompts;
import org.ckcoop.backbone.safetensors.SafetensorsFile;
import org.ckcoop.backbone.safetensors.StorageType;
import org.ckcoop.common.engine.EngineRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ResNet image tower (OpenAI's ModifiedResNet) against the float64 numpy reference
 * ({@code tools/reference/make_resnet_fixture.py}): tiny-rn has stages [1, 2, 1, 1], stem width 4,
 * an attention pool with 2 heads over a 2x2 grid, random batch-norm statistics, and OpenAI's names
 * only (the architecture is derived from the tensor shapes, with the {@code num_batches_tracked}
 * buffers real state dicts carry).
 */
class ResNetGoldenTest {
  private static final String FOLDER = "tiny-rn";
  private static final String GOLDEN = "tiny-rn/golden.safetensors";

  @Test
  void theArchitectureIsDerivedFromTheTensorShapesAsBuildModelDoes() {
    ClipCheckpoint checkpoint = CheckpointLayout.read(GoldenFixtures.path(FOLDER));
    assertThat(checkpoint.layout()).isEqualTo("openai");
    assertThat(checkpoint.architecture().imageTower()).isEqualTo(new ResNetShape(List.of(1, 2, 1, 1), 4, 2));
    assertThat(checkpoint.architecture().imageResolution()).isEqualTo(64);
    assertThat(checkpoint.architecture().embedDim()).isEqualTo(32);
    assertThat(checkpoint.architecture().imageTokens()).isEqualTo(5);
    assertThat(checkpoint.architecture().describe()).startsWith("ResNet 64px ([1, 2, 1, 1], width 4, 2 heads) + text");
  }

  @Test
  void imageAndTextFeaturesMatchTheReference() {
    ClipCheckpoint checkpoint = CheckpointLayout.read(GoldenFixtures.path(FOLDER));
    int embed = checkpoint.architecture().embedDim();
    try (NDManager manager = EngineRuntime.engine().newBaseManager();
        SafetensorsFile golden = GoldenFixtures.golden(GOLDEN)) {
      ClipNetwork network = new ClipNetwork(checkpoint, manager, Precision.FP32);
      NDArray pixels = manager.create(golden.readFloats("pixel_values"), new Shape(golden.entry("pixel_values").shape()));
      float[] image = network.encodeImages(pixels).toFloatArray();
      float[] expected = golden.readFloats("image_features");
      double normError = GoldenFixtures.errorRelativeToNorm(image, expected, embed);
      double elementError = maxElementRelativeError(image, expected);
      System.out.printf("tiny-rn image features: max|d|/|f| %.3e, max elementwise relative %.3e%n", normError, elementError);
      assertThat(normError).isLessThan(1e-4);
      assertThat(elementError).isLessThan(1e-4);

      long[] tokens = golden.readLongs("text_tokens");
      long[] shape = golden.entry("text_tokens").shape();
      float[] text = network.encodeTokenEmbeddings(network.embedTokens(manager.create(tokens, new Shape(shape))),
          argmax(tokens, (int) shape[1])).toFloatArray();
      double textError = GoldenFixtures.errorRelativeToNorm(text, golden.readFloats("text_features"), embed);
      System.out.printf("tiny-rn text features: max|d|/|f| %.3e%n", textError);
      assertThat(textError).isLessThan(1e-4);
      assertThat(network.logitScale()).isEqualTo(golden.readFloats("logit_scale")[0]);
    }
  }

  @Test
  void theBackboneGivesTheNetworksFeaturesAndRefusesDeepVisionPrompts() {
    try (ClipBackbone backbone = ClipBackbone.load(GoldenFixtures.path(FOLDER));
        NDManager manager = EngineRuntime.engine().newBaseManager();
        SafetensorsFile golden = GoldenFixtures.golden(GOLDEN)) {
      NDArray pixels = manager.create(golden.readFloats("pixel_values"), new Shape(golden.entry("pixel_values").shape()));
      NDArray features = backbone.encodeImages(pixels);
      assertThat(features.getManager()).isSameAs(manager);
      assertThat(GoldenFixtures.errorRelativeToNorm(features.toFloatArray(), golden.readFloats("image_features"), 32))
          .isLessThan(1e-4);
      // the ViT resolution check applies: a 32 px batch does not fit a 64 px ResNet
      assertThatThrownBy(() -> backbone.encodeImages(manager.zeros(new Shape(1, 3, 32, 32))))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected (N, 3, 64, 64)");
      VisionLayerPrompts prompts = new VisionLayerPrompts(manager.zeros(new Shape(2, 128)), List.of());
      assertThatThrownBy(() -> backbone.encodeImages(pixels, prompts))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("deep vision prompts need a ViT image tower; this backbone's is ResNet ([1, 2, 1, 1], width 4)");
      assertThatThrownBy(() -> backbone.architecture().vision()).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void anyLayoutAndDtypeHoldingTheSameValuesGivesTheSameHashAndIdenticalFeatures(@TempDir Path dir) {
    ClipCheckpoint original = CheckpointLayout.read(GoldenFixtures.path(FOLDER));
    new OpenAiLayout(true).write(original, dir.resolve("open_clip"), StorageType.BF16);
    new OpenAiLayout(false).write(original, dir.resolve("plain"), StorageType.F32);
    ClipCheckpoint openClip = CheckpointLayout.read(dir.resolve("open_clip"));
    ClipCheckpoint plain = CheckpointLayout.read(dir.resolve("plain"));
    assertThat(openClip.architecture()).isEqualTo(original.architecture());
    assertThat(plain.architecture()).isEqualTo(original.architecture());
    assertThat(openClip.contentHash()).isEqualTo(original.contentHash());
    assertThat(plain.contentHash()).isEqualTo(original.contentHash());
    try (NDManager manager = EngineRuntime.engine().newBaseManager();
        SafetensorsFile golden = GoldenFixtures.golden(GOLDEN)) {
      NDArray pixels = manager.create(golden.readFloats("pixel_values"), new Shape(golden.entry("pixel_values").shape()));
      float[] a = new ClipNetwork(original, manager, Precision.FP32).encodeImages(pixels).toFloatArray();
      float[] b = new ClipNetwork(openClip, manager, Precision.FP32).encodeImages(pixels).toFloatArray();
      assertThat(b).containsExactly(a);
    }
  }

  @Test
  void insideAGradientCollectorGradientsReachThePixelsAndNeverTheWeights() {
    try (ClipBackbone backbone = ClipBackbone.load(GoldenFixtures.path(FOLDER));
        NDManager manager = EngineRuntime.engine().newBaseManager();
        SafetensorsFile golden = GoldenFixtures.golden(GOLDEN)) {
      float[] values = golden.readFloats("pixel_values");
      float[] outside = backbone.encodeImages(manager.create(values, new Shape(3, 3, 64, 64))).toFloatArray();
      NDArray pixels = manager.create(values, new Shape(3, 3, 64, 64));
      pixels.setRequiresGradient(true);
      float[] inside;
      try (ai.djl.training.GradientCollector collector = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
        NDArray features = backbone.encodeImages(pixels);
        inside = features.toFloatArray();
        collector.backward(features.sum());
      }
      assertThat(inside).containsExactly(outside);
      try (NDArray gradient = pixels.getGradient()) {
        float[] g = gradient.toFloatArray();
        double norm = 0;
        for (float v : g) {
          assertThat(Float.isFinite(v)).isTrue();
          norm += v * v;
        }
        assertThat(norm).isGreaterThan(0);
      }
    }
  }

  @Test
  void halfPrecisionStaysCloseToTheReference() {
    // FP16 is offered only on GPUs; PyTorch runs it on the CPU too, which checks the casts around
    // the F32 batch norms on any machine.
    ClipCheckpoint checkpoint = CheckpointLayout.read(GoldenFixtures.path(FOLDER));
    try (NDManager manager = EngineRuntime.engine().newBaseManager();
        SafetensorsFile golden = GoldenFixtures.golden(GOLDEN)) {
      ClipNetwork network = new ClipNetwork(checkpoint, manager, Precision.FP16);
      NDArray pixels = manager.create(golden.readFloats("pixel_values"), new Shape(golden.entry("pixel_values").shape()));
      NDArray image = network.encodeImages(pixels);
      assertThat(image.getDataType()).isEqualTo(DataType.FLOAT32);
      assertThat(GoldenFixtures.errorRelativeToNorm(image.toFloatArray(), golden.readFloats("image_features"), 32))
          .isLessThan(2e-2);
    }
  }

  @Test
  void contrastivePretrainingRefusesAResNetTower() {
    ClipCheckpoint checkpoint = CheckpointLayout.read(GoldenFixtures.path(FOLDER));
    assertThatThrownBy(() -> new TrainableClipNetwork(checkpoint, ai.djl.Device.cpu()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ViT image towers only; this checkpoint's is ResNet ([1, 2, 1, 1], width 4)");
  }

  private static int[] argmax(long[] tokens, int length) {
    int[] eot = new int[tokens.length / length];
    for (int i = 0; i < eot.length; i++) {
      for (int j = 1; j < length; j++) {
        if (tokens[i * length + j] > tokens[i * length + eot[i]]) {
          eot[i] = j;
        }
      }
    }
    return eot;
  }

  /** Returns max |a - b| / max(|b|, 1e-3 * max|b|): elementwise relative error, tiny entries floored. */
  private static double maxElementRelativeError(float[] actual, float[] expected) {
    double scale = 0;
    for (float e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), 1e-3 * scale));
    }
    return worst;
  }
}
