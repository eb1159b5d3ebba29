package org.ckcoop.baselines.cocoop;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.ckcoop.backbone.BackboneOptions;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.backbone.checkpoint.Activation;
import org.ckcoop.backbone.checkpoint.ClipArchitecture;
import org.ckcoop.backbone.checkpoint.RandomCheckpoints;
import org.ckcoop.backbone.checkpoint.RandomWeights;
import org.ckcoop.backbone.checkpoint.TowerShape;
import org.ckcoop.backbone.text.ClipTokenizer;
import org.ckcoop.core.classify.PromptClassifier;
import org.ckcoop.core.learner.LearnerContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Timing of CoCoOp with a ViT-B/16-sized text tower (12 layers, width 512; random weights, a tiny
 * image tower): a training step of one image against 50 classes, and evaluation of 100 images at
 * several prompts-per-pass settings. Not part of the default build: run with
 * {@code -Dtest=CoCoOpSpeedBenchmark -DexcludedGroups=gpu}.
 */
@Tag("benchmark")
class CoCoOpSpeedBenchmark {
  @Test
  void trainStepAndEvaluation() {
    int vocab = RandomCheckpoints.smallVocabulary().size();
    ClipArchitecture a = new ClipArchitecture(512, 32, 8, new TowerShape(64, 1, 1, 256, Activation.QUICK_GELU, 1e-5),
        77, vocab, new TowerShape(512, 12, 8, 2048, Activation.QUICK_GELU, 1e-5));
    String[] colours = {"red", "green", "blue", "yellow", "purple", "orange", "black", "white"};
    String[] shapes = {"circle", "square", "triangle", "star", "cross", "diamond", "heart"};
    List<String> classes = new ArrayList<>();
    for (String c : colours) {
      for (String s : shapes) {
        if (classes.size() < 50) {
          classes.add(c + " " + s);
        }
      }
    }
    try (ClipBackbone b = ClipBackbone.create(RandomWeights.generate(a, 1),
        ClipTokenizer.of(RandomCheckpoints.smallVocabulary()), BackboneOptions.defaults().withDevice("cpu"))) {
      LearnerContext ctx = new LearnerContext(b, classes, new CoCoOpSettings(4, "a photo of a"), "a photo of a {}.", 1);
      try (CoCoOpLearner learner = new CoCoOpLearner(ctx); NDManager root = EngineRuntime.engine().newBaseManager()) {
        for (int i = 0; i < 3; i++) {
          long t0 = System.nanoTime();
          try (NDManager step = root.newSubManager()) {
            NDArray image = step.randomNormal(new Shape(1, 512));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
              NDArray text = learner.textFeatures(step, image);
              gc.backward(PromptClassifier.crossEntropy(PromptClassifier.logits(image, text, b.logitScale()),
                  step.create(new long[] {3})));
            }
            learner.trainableParameters().values().forEach(p -> {
              try (NDArray g = p.getGradient()) {
                g.muli(0);
              }
            });
          }
          System.out.printf(Locale.ROOT, "train step (1 image x 50 classes, forward+backward): %.0f ms%n",
              (System.nanoTime() - t0) / 1e6);
        }
      }
      float[] features = new float[100 * 512];
      SplittableRandom r = new SplittableRandom(1);
      for (int i = 0; i < features.length; i++) {
        features[i] = (float) r.nextGaussian();
      }
      for (int perPass : new int[] {50, 250, 1024}) {
        try (CoCoOpLearner l = new CoCoOpLearner(ctx, perPass)) {
          long t0 = System.nanoTime();
          PromptClassifier.logits(l, b, features, 100, 100);
          System.out.printf(Locale.ROOT, "evaluation, 100 images x 50 classes, %d prompts per pass: %.0f ms%n", perPass,
              (System.nanoTime() - t0) / 1e6);
        }
      }
    }
  }
}
