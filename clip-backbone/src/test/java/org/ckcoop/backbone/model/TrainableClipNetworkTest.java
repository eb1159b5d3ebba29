package org.ckcoop.backbone.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ckcoop.backbone.BackboneOptions;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.backbone.checkpoint.ClipArchitecture;
import org.ckcoop.backbone.checkpoint.ClipCheckpoint;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.backbone.checkpoint.HuggingFaceLayout;
import org.ckcoop.backbone.checkpoint.RandomCheckpoints;
import org.ckcoop.backbone.checkpoint.RandomWeights;
import org.ckcoop.backbone.safetensors.StorageType;
import org.ckcoop.backbone.text.ClipTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainable network computes what the frozen backbone computes from its snapshot, maps every leaf
 * back to its canonical tensor exactly, and gets a gradient into every weight.
 */
class TrainableClipNetworkTest {
  private static final List<String> CAPTIONS = List.of(
      "a photo of a red circle.", "a sketch of a blue star.", "a large green heart.", "a small yellow ring.");

  private static ClipCheckpoint checkpoint() {
    return RandomWeights.generate(RandomCheckpoints.preset("tiny"), 7);
  }

  private static float[] pixels(int n, int resolution) {
    SplittableRandom random = new SplittableRandom(3);
    float[] values = new float[n * 3 * resolution * resolution];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }

  @Test
  void aSnapshotIsTheInitialCheckpointAndLoadsIntoTheBackboneWithTheSameFeatures(@TempDir Path dir) {
    ClipCheckpoint initial = checkpoint();
    ClipArchitecture a = initial.architecture();
    int r = a.imageResolution();
    ClipTokenizer tokenizer = ClipTokenizer.of(RandomCheckpoints.smallVocabulary());
    long[][] tokens = tokenizer.tokenize(CAPTIONS, a.contextLength());
    float[] trainedImage;
    float[] trainedText;
    try (TrainableClipNetwork network = new TrainableClipNetwork(initial, Device.cpu());
        NDManager manager = EngineRuntime.engine().newBaseManager()) {
      ClipCheckpoint snapshot = network.snapshot();
      for (Map.Entry<String, FloatTensor> e : initial.weights().entrySet()) {
        assertThat(snapshot.weights().get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
      }
      assertThat(snapshot.contentHash()).isEqualTo(initial.contentHash());
      assertThat(network.parameters()).hasSize(a.expectedShapes().size());
      new HuggingFaceLayout().write(snapshot, dir, StorageType.F16, RandomCheckpoints.smallVocabulary());
      trainedImage = network.encodeImages(manager.create(pixels(4, r), new Shape(4, 3, r, r))).toFloatArray();
      trainedText = network.encodeTexts(ClipBackbone.tokenIds(manager, tokens)).toFloatArray();
    }
    try (ClipBackbone backbone = ClipBackbone.load(dir, BackboneOptions.defaults().withDevice("cpu"));
        NDManager manager = EngineRuntime.engine().newBaseManager()) {
      float[] image = backbone.encodeImages(manager.create(pixels(4, r), new Shape(4, 3, r, r))).toFloatArray();
      float[] text = backbone.encodeTokens(ClipBackbone.tokenIds(manager, tokens)).toFloatArray();
      assertThat(maxAbsDifference(image, trainedImage)).isLessThan(1e-5);
      assertThat(maxAbsDifference(text, trainedText)).isLessThan(1e-5);
      assertThat(backbone.logitScale()).isEqualTo(initial.weights().get("logit_scale").data()[0]);
    }
  }

  @Test
  void everyWeightGetsAGradientAndAGradientStepLowersTheContrastiveLoss() {
    ClipCheckpoint initial = checkpoint();
    ClipArchitecture a = initial.architecture();
    int r = a.imageResolution();
    long[][] tokens = ClipTokenizer.of(RandomCheckpoints.smallVocabulary()).tokenize(CAPTIONS, a.contextLength());
    try (TrainableClipNetwork network = new TrainableClipNetwork(initial, Device.cpu());
        NDManager root = EngineRuntime.engine().newBaseManager()) {
      NDManager own = network.logitScale().getManager();
      int arrays = own.getManagedArrays().size();
      float before;
      try (NDManager step = root.newSubManager();
          GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray loss = loss(network, step, tokens, r);
        before = loss.getFloat();
        collector.backward(loss);
      }
      assertThat(own.getManagedArrays()).as("nothing attached to the network's manager by a step").hasSize(arrays);
      for (Map.Entry<String, NDArray> p : network.parameters().entrySet()) {
        try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
          scope.suppressNotUsedWarning();
          NDArray gradient = p.getValue().getGradient();
          assertThat(gradient.getShape()).isEqualTo(p.getValue().getShape());
          assertThat(gradient.abs().sum().getFloat()).as(p.getKey()).isGreaterThan(0f);
          p.getValue().subi(gradient.mul(0.05f));
        }
      }
      float after;
      try (NDManager step = root.newSubManager()) {
        after = loss(network, step, tokens, r).getFloat();
      }
      assertThat(after).isLessThan(before);
      assertThat(own.getManagedArrays()).as("nothing attached to the network's manager by a step").hasSize(arrays);
    }
  }

  @Test
  void theLogitScaleIsClampedToLn100AndLoadRestoresValuesInPlace() {
    ClipCheckpoint initial = checkpoint();
    try (TrainableClipNetwork network = new TrainableClipNetwork(initial, Device.cpu())) {
      NDArray scale = network.logitScale();
      scale.addi(10f);
      network.clampLogitScale();
      assertThat(network.logitScale()).isSameAs(scale);
      assertThat(scale.getFloat()).isEqualTo(TrainableClipNetwork.MAX_LOGIT_SCALE);
      NDArray projection = network.parameters().get("visual.proj");
      projection.muli(3f);
      network.load(initial.weights());
      assertThat(network.parameters().get("visual.proj")).isSameAs(projection);
      assertThat(projection.hasGradient()).isTrue();
      assertThat(network.snapshot().contentHash()).isEqualTo(initial.contentHash());
    }
  }

  /** Symmetric InfoNCE over normalised features, written out here so the test needs nothing else. */
  private static NDArray loss(TrainableClipNetwork network, NDManager manager, long[][] tokens, int r) {
    int n = tokens.length;
    NDArray image = network.encodeImages(manager.create(pixels(n, r), new Shape(n, 3, r, r)));
    NDArray text = network.encodeTexts(ClipBackbone.tokenIds(manager, tokens));
    image = image.div(image.norm(new int[] {1}, true));
    text = text.div(text.norm(new int[] {1}, true));
    // zeros + scale keeps the result on the step's manager (an op on the scale itself would not).
    NDArray scale = manager.zeros(new Shape()).add(network.logitScale()).exp();
    NDArray logits = image.matMul(text.transpose()).mul(scale);
    NDArray eye = manager.eye(n);
    NDArray rows = logits.logSoftmax(1).mul(eye).sum().neg();
    NDArray cols = logits.logSoftmax(0).mul(eye).sum().neg();
    return rows.add(cols).div(2f * n);
  }

  private static double maxAbsDifference(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
