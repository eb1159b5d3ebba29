package org.ckcoop.eval.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineArrays;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.backbone.checkpoint.CheckpointLayout;
import org.ckcoop.backbone.checkpoint.RandomCheckpoints;
import org.ckcoop.backbone.safetensors.StorageType;
import org.ckcoop.core.config.LayeredConfig;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.plugin.LearnerRegistry;
import org.ckcoop.core.run.CoreSettings;
import org.ckcoop.core.run.RunPlan;
import org.ckcoop.core.train.StepLoss;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every learner's gradient must not depend on when the JVM collects garbage: one real training step
 * (the trainer's own {@link StepLoss}) with full collections forced between forward and backward gives
 * exactly the gradient of the same step without them. With DJL's {@code x.mul(2f)} in the forward, the
 * collected scalar's memory is freed (and overwritten by the allocator) before backward reads it.
 */
class GradientsUnderGarbageCollectionTest {
  private static final List<String> CLASSES = List.of("red circle", "blue square", "green triangle", "dog");
  /** Learner variants: the name plus overrides; every learner with something to train must appear. */
  private static final Map<String, List<String>> VARIANTS = new LinkedHashMap<>();

  static {
    VARIANTS.put("coop", List.of("learner.coop.n_ctx=4"));
    VARIANTS.put("coop[middle]", List.of("learner.coop.n_ctx=4", "learner.coop.class_token_position=middle"));
    VARIANTS.put("cocoop", List.of());
    VARIANTS.put("kgcoop", List.of());
    VARIANTS.put("prograd", List.of("learner.prograd.n_ctx=6"));
    VARIANTS.put("maple", List.of("learner.maple.prompt_depth=2"));
    VARIANTS.put("ivlp", List.of("learner.ivlp.prompt_depth_text=2", "learner.ivlp.prompt_depth_vision=2"));
    VARIANTS.put("promptsrc", List.of("learner.promptsrc.prompt_depth_text=2", "learner.promptsrc.prompt_depth_vision=2"));
    VARIANTS.put("ckcoop", List.of("learner.ckcoop.k=32"));
    VARIANTS.put("ckcoop[alpha=0.1]", List.of("learner.ckcoop.k=32", "learner.ckcoop.alpha=0.1"));
  }

  @TempDir static Path dir;
  static ClipBackbone backbone;
  static String previousCache;

  @BeforeAll
  static void setUp() {
    previousCache = System.getProperty("ckcoop.cache");
    System.setProperty("ckcoop.cache", dir.resolve("cache").toString());
    RandomCheckpoints.write(dir.resolve("clip"), RandomCheckpoints.preset("tiny"), CheckpointLayout.named("huggingface"),
        StorageType.F32, 5);
    backbone = ClipBackbone.load(dir.resolve("clip"));
  }

  @AfterAll
  static void tearDown() {
    backbone.close();
    if (previousCache == null) {
      System.clearProperty("ckcoop.cache");
    } else {
      System.setProperty("ckcoop.cache", previousCache);
    }
  }

  @Test
  void everyTrainableLearnerIsCovered() {
    LearnerRegistry registry = LearnerRegistry.discover();
    List<String> covered = VARIANTS.keySet().stream().map(v -> v.replaceAll("\\[.*", "")).distinct().toList();
    for (String name : registry.names()) {
      if (name.equals("listed")) {
        continue; // this module's test fixture: a learner that is only listed, never created
      }
      try (PromptLearner learner = newLearner(registry, name, List.of("learner.ckcoop.k=32", "learner.coop.n_ctx=4",
          "learner.prograd.n_ctx=6", "learner.maple.prompt_depth=2", "learner.ivlp.prompt_depth_text=2",
          "learner.ivlp.prompt_depth_vision=2", "learner.promptsrc.prompt_depth_text=2",
          "learner.promptsrc.prompt_depth_vision=2"))) {
        if (!learner.trainableParameters().isEmpty()) {
          assertThat(covered).as("learner '%s' trains and needs a variant here", name).contains(name);
        }
      }
    }
    assertThat(covered).containsExactlyInAnyOrder("coop", "cocoop", "kgcoop", "ckcoop", "prograd", "maple", "ivlp",
        "promptsrc");
  }

  @Test
  void aForcedCollectionBetweenForwardAndBackwardChangesNoGradient() throws Exception {
    LearnerRegistry registry = LearnerRegistry.discover();
    for (Map.Entry<String, List<String>> v : VARIANTS.entrySet()) {
      String name = v.getKey().replaceAll("\\[.*", "");
      Map<String, float[]> quiet;
      Map<String, float[]> collected;
      try (PromptLearner learner = newLearner(registry, name, v.getValue())) {
        quiet = gradients(learner, false);
        collected = gradients(learner, true);
      }
      assertThat(quiet).as(v.getKey()).isNotEmpty();
      // (CK-CoOp's later Kronecker factors start with zero gradient: its first factor starts at zero.)
      assertThat(quiet.values().stream().mapToDouble(GradientsUnderGarbageCollectionTest::norm).sum())
          .as("%s: the step has a gradient", v.getKey()).isPositive();
      for (Map.Entry<String, float[]> g : quiet.entrySet()) {
        float[] reference = g.getValue();
        assertThat(collected.get(g.getKey())).as("%s: gradient of %s under GC", v.getKey(), g.getKey())
            .containsExactly(reference);
      }
    }
  }

  private static PromptLearner newLearner(LearnerRegistry registry, String name, List<String> overrides) {
    LayeredConfig.Builder config = LayeredConfig.builder(CoreSettings.schema(registry)).override("learner.name=" + name);
    overrides.forEach(config::override);
    return RunPlan.from(config.build(), registry).newLearner(backbone, CLASSES, "a photo of a {}.");
  }

  /** One step's gradients; with {@code collect}, full collections run between forward and backward. */
  private static Map<String, float[]> gradients(PromptLearner learner, boolean collect) throws InterruptedException {
    int batch = 6;
    int embed = backbone.architecture().embedDim();
    SplittableRandom random = new SplittableRandom(11);
    float[] features = new float[batch * embed];
    long[] labels = new long[batch];
    for (int i = 0; i < features.length; i++) {
      features[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < batch; i++) {
      labels[i] = i % CLASSES.size();
    }
    Map<String, float[]> out = new LinkedHashMap<>();
    try (NDManager manager = EngineRuntime.engine().newBaseManager(backbone.device())) {
      NDArray pixels = null;
      NDArray image = EngineArrays.of(manager, features, new Shape(batch, embed));
      if (!learner.usesCachedFeatures()) { // deep vision prompts: the image tower runs in the step
        int r = backbone.architecture().imageResolution();
        float[] values = new float[batch * 3 * r * r];
        for (int i = 0; i < values.length; i++) {
          values[i] = (float) random.nextGaussian();
        }
        pixels = EngineArrays.of(manager, values, new Shape(batch, 3, r, r));
        image = backbone.encodeImages(pixels);
      }
      NDArray target = EngineArrays.of(manager, labels, new Shape(batch));
      Map<String, NDArray> gradients;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        StepLoss loss = StepLoss.forward(learner, manager, image, pixels, target);
        if (collect) {
          collectAndScribble();
        }
        gradients = loss.backward(collector, learner, manager); // as the trainer: per term for ProGrad
      }
      gradients.forEach((name, g) -> out.put(name, g.toFloatArray()));
      StepLoss.zero(StepLoss.accumulated(learner.trainableParameters(), manager));
    }
    return out;
  }

  /**
   * Runs full collections (freeing the direct buffers of closed Java-backed arrays, whose first bytes
   * the allocator then overwrites) and allocates small direct buffers full of NaN bits where freed
   * ones may be reused.
   */
  private static void collectAndScribble() throws InterruptedException {
    List<java.nio.ByteBuffer> scribbles = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      System.gc();
      Thread.sleep(30);
      for (int i = 0; i < 200; i++) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(4 << (i % 6));
        while (b.remaining() >= 4) {
          b.putInt(0x7fc00000);
        }
        scribbles.add(b);
      }
    }
    assertThat(scribbles).hasSize(600);
  }

  private static double norm(float[] values) {
    double s = 0;
    for (float v : values) {
      s += (double) v * v;
    }
    return Math.sqrt(s);
  }
}
