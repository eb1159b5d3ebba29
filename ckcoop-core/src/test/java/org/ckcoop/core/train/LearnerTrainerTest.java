package org.ckcoop.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.backbone.safetensors.SafetensorsFile;
import org.ckcoop.core.classify.Accuracy;
import org.ckcoop.core.classify.PromptClassifier;
import org.ckcoop.core.fixture.TinyBackbones;
import org.ckcoop.core.learner.LearnerStateFile;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.learner.StateCheck;
import org.ckcoop.core.learner.TrainableArrays;
import org.ckcoop.core.learner.text.TextPromptLearner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearnerTrainerTest {
  static ClipBackbone backbone;
  static CachedFeatures data;
  @TempDir Path dir;

  final LearnerTrainer trainer = new LearnerTrainer(ToyTraining.optim(0.01), new TrainSettings(6, 8, true, 1, 50));

  @BeforeAll
  static void load() {
    backbone = TinyBackbones.create(11);
    data = ToyTraining.data(backbone, 12, 5);
  }

  @AfterAll
  static void close() {
    backbone.close();
  }

  private TrainingResult train(Path run, long seed, boolean resume, List<TrainingListener> listeners) {
    try (PromptLearner learner = ToyTraining.learner(backbone, seed)) {
      return new LearnerTrainer(ToyTraining.optim(0.01), new TrainSettings(6, 8, true, seed, 50))
          .train(ToyTraining.job(learner, backbone, data, run, seed, resume, listeners));
    }
  }

  private static float[] ctx(TrainingResult result) {
    return LearnerStateFile.read(result.stateFile()).tensors().get("ctx").data();
  }

  private static double[] losses(TrainingResult result) {
    return result.history().stream().mapToDouble(EpochSummary::loss).toArray();
  }

  @Test
  void trainingLowersTheLossAndChangesOnlyTheLearner() {
    float[] table;
    float[] image;
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      table = backbone.tokenEmbeddingTable(m).toFloatArray();
      image = backbone.encodeImages(m.ones(new Shape(1, 3, 32, 32))).toFloatArray();
    }
    float[] initial;
    try (PromptLearner learner = ToyTraining.learner(backbone, 1)) {
      initial = learner.trainableParameters().get("ctx").toFloatArray();
      TrainingResult result = trainer.train(ToyTraining.job(learner, backbone, data, dir, 1, false, List.of()));
      assertThat(result.history()).hasSize(6);
      assertThat(result.history().get(0).steps()).isEqualTo(4); // 36 examples, batch 8, drop last
      assertThat(result.history().get(0).learningRate()).isEqualTo(1e-5);
      assertThat(result.finalLoss()).isLessThan(result.history().get(1).loss() - 0.05);
      float[] trained = learner.trainableParameters().get("ctx").toFloatArray();
      assertThat(trained).isNotEqualTo(initial);
      float[] logits = PromptClassifier.logits(learner, backbone, ToyTrainingAccess.features(data), data.size(), 16);
      Accuracy accuracy = Accuracy.of(logits, ToyTrainingAccess.labels(data), 3);
      assertThat(accuracy.top1()).isGreaterThan(100.0 / 3 + 10);
    }
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      assertThat(backbone.tokenEmbeddingTable(m).toFloatArray()).containsExactly(table);
      assertThat(backbone.encodeImages(m.ones(new Shape(1, 3, 32, 32))).toFloatArray()).containsExactly(image);
    }
    assertThat(dir.resolve("train.log")).content().contains("epoch 6/6");
    assertThat(dir.resolve("metrics.jsonl")).content().hasLineCount(6);
    // The trainer writes no result record (eval-suite's run.json is a run's one record).
    assertThat(dir.resolve("result.json")).doesNotExist();
  }

  @Test
  void newClassNamesKeepTheLearnedStateAndRebuildOnlyThePrompts() {
    try (TextPromptLearner learner = ToyTraining.learner(backbone, 1);
        NDManager m = EngineRuntime.engine().newBaseManager()) {
      trainer.train(ToyTraining.job(learner, backbone, data, dir, 1, false, List.of()));
      float[] learned = learner.trainableParameters().get("ctx").toFloatArray();
      learner.setClassNames(List.of("yellow heart", "purple ring", "black cross", "white diamond", "orange star"));
      assertThat(learner.classNames()).hasSize(5);
      assertThat(learner.trainableParameters().get("ctx").toFloatArray()).containsExactly(learned);
      assertThat(learner.textFeatures(m, null).getShape()).isEqualTo(new Shape(5, 64));
      // the state file written before the switch loads into a learner built for the new names
      try (TextPromptLearner other = ToyTraining.learner(backbone, 9)) {
        other.setClassNames(learner.classNames());
        other.loadState(LearnerStateFile.read(dir.resolve(LearnerTrainer.STATE)).tensors());
        assertThat(other.textFeatures(m, null).toFloatArray()).containsExactly(learner.textFeatures(m, null).toFloatArray());
      }
    }
  }

  @Test
  void aLearnerWithNothingToTrainIsRefusedClearly() {
    PromptLearner nothing = new PromptLearner() {
      @Override
      public java.util.List<String> classNames() {
        return ToyTraining.CLASSES;
      }

      @Override
      public org.ckcoop.core.learner.StepOutput forward(org.ckcoop.core.learner.LearnerBatch batch) {
        throw new AssertionError("not called");
      }

      @Override
      public java.util.Map<String, ai.djl.ndarray.NDArray> trainableParameters() {
        return java.util.Map.of();
      }

      @Override
      public void loadState(java.util.Map<String, org.ckcoop.backbone.checkpoint.FloatTensor> tensors) {}

      @Override
      public void setClassNames(java.util.List<String> classNames) {}

      @Override
      public void close() {}
    };
    assertThatThrownBy(() -> trainer.train(ToyTraining.job(nothing, backbone, data, dir, 1, false, List.of())))
        .hasMessage("learner.name: learner 'toy' has nothing to train (0 learnable parameters); evaluate it directly instead");
  }

  @Test
  void theSameSeedGivesTheSameRunAndAnotherSeedAnotherRun() {
    TrainingResult a = train(dir.resolve("a"), 1, false, List.of());
    TrainingResult b = train(dir.resolve("b"), 1, false, List.of());
    TrainingResult c = train(dir.resolve("c"), 2, false, List.of());
    assertThat(losses(b)).containsExactly(losses(a));
    assertThat(ctx(b)).containsExactly(ctx(a));
    assertThat(ctx(c)).isNotEqualTo(ctx(a));
  }

  /** Simulates a kill: an exception thrown from a listener at a chosen point. */
  static final class Kill extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void aKilledRunResumesToTheSameResultAsAnUninterruptedOne() {
    TrainingResult reference = train(dir.resolve("reference"), 1, false, List.of());
    // killed right after the checkpoint of epoch 3
    Path afterCheckpoint = dir.resolve("after-checkpoint");
    assertThatThrownBy(() -> train(afterCheckpoint, 1, false, List.of(new TrainingListener() {
      @Override
      public void onEpochEnd(EpochSummary summary) {
        if (summary.epoch() == 2) {
          throw new Kill();
        }
      }
    }))).isInstanceOf(Kill.class);
    TrainingResult resumed = train(afterCheckpoint, 1, true, List.of());
    assertThat(resumed.resumed()).isTrue();
    assertThat(ctx(resumed)).containsExactly(ctx(reference));
    assertThat(losses(resumed)).containsExactly(losses(reference));
    assertThat(afterCheckpoint.resolve("metrics.jsonl")).content().hasLineCount(6);
    // killed in the middle of epoch 5: that epoch is redone from the epoch-4 checkpoint
    Path midEpoch = dir.resolve("mid-epoch");
    assertThatThrownBy(() -> train(midEpoch, 1, false, List.of(new TrainingListener() {
      @Override
      public void onStep(int epoch, int step, int steps, double loss, double accuracy) {
        if (epoch == 4 && step == 2) {
          throw new Kill();
        }
      }
    }))).isInstanceOf(Kill.class);
    try (SafetensorsFile checkpoint = SafetensorsFile.open(midEpoch.resolve(LearnerTrainer.CHECKPOINT))) {
      assertThat(checkpoint.metadata()).containsEntry("epochs_done", "4");
      assertThat(checkpoint.entries()).containsKeys("learner.ctx", "optimizer.ctx.momentum");
    }
    assertThat(ctx(train(midEpoch, 1, true, List.of()))).containsExactly(ctx(reference));
  }

  @Test
  void anExistingCheckpointIsNeverOverwrittenWithoutResumeAndMustMatchTheRun() throws Exception {
    Path run = dir.resolve("run");
    train(run, 1, false, List.of());
    byte[] before = Files.readAllBytes(run.resolve(LearnerTrainer.CHECKPOINT));
    assertThatThrownBy(() -> train(run, 1, false, List.of()))
        .hasMessageContaining(run + ": already holds a checkpoint (checkpoint.safetensors) of an earlier run");
    assertThat(Files.readAllBytes(run.resolve(LearnerTrainer.CHECKPOINT))).isEqualTo(before);
    assertThatThrownBy(() -> train(run, 2, true, List.of()))
        .hasMessageContaining("cannot resume: the checkpoint's config hash is config-1 but this run's is config-2");
  }

  /** The toy data with {@code value} in the first feature of every example in epoch {@code epoch} (0-based). */
  private static TrainingData poisoned(int epoch, float value, String identity) {
    return new TrainingData() {
      @Override
      public int size() {
        return data.size();
      }

      @Override
      public int featureWidth() {
        return data.featureWidth();
      }

      @Override
      public int label(int i) {
        return data.label(i);
      }

      @Override
      public void features(int i, int e, float[] target, int offset) {
        data.features(i, e, target, offset);
        if (e == epoch) {
          target[offset] = value;
        }
      }

      @Override
      public String identity() {
        return identity;
      }
    };
  }

  @Test
  void aNonFiniteLossStopsTheRunAndKeepsTheLastGoodCheckpoint() {
    TrainingData poisoned = poisoned(3, Float.NaN, "poisoned");
    Path run = dir.resolve("nan");
    try (PromptLearner learner = ToyTraining.learner(backbone, 1)) {
      assertThatThrownBy(() -> trainer.train(ToyTraining.job(learner, backbone, poisoned, run, 1, false, List.of())))
          .isInstanceOf(TrainingDivergedException.class)
          .hasMessageContaining("training diverged: the loss is NaN at epoch 4, step 1")
          .hasMessageContaining("The last good checkpoint (epoch 3) is kept at " + run.resolve("checkpoint.safetensors"));
    }
    try (SafetensorsFile checkpoint = SafetensorsFile.open(run.resolve(LearnerTrainer.CHECKPOINT))) {
      assertThat(checkpoint.metadata()).containsEntry("epochs_done", "3");
      for (float v : checkpoint.readFloats("learner.ctx")) {
        assertThat(v).isFinite();
      }
    }
  }

  @Test
  void anExplodedStateIsNeverKeptAsTheLastGoodCheckpoint() {
    Path run = dir.resolve("exploded");
    float[] before;
    try (PromptLearner learner = ToyTraining.learner(backbone, 1)) {
      // Finite but absurd (a silently wrong gradient once produced a context of norm ~7e22): 1e6 as epoch 3 starts.
      TrainingListener blowUp = new TrainingListener() {
        @Override
        public void onEpochStart(int epoch, int epochs, int steps, double lr) {
          if (epoch == 2) {
            float[] huge = learner.trainableParameters().get("ctx").toFloatArray();
            java.util.Arrays.fill(huge, 1e6f);
            TrainableArrays.overwrite(learner.trainableParameters().get("ctx"), huge);
          }
        }
      };
      assertThatThrownBy(() -> trainer.train(ToyTraining.job(learner, backbone, data, run, 1, false, List.of(blowUp))))
          .isInstanceOfSatisfying(TrainingDivergedException.class, e -> {
            assertThat(e.epoch()).isEqualTo(3);
            assertThat(e.step()).isZero();
            assertThat(e.epochsDone()).isEqualTo(2);
            assertThat(e.lastFiniteLoss()).isFinite();
            assertThat(e.checkpoint()).contains(run.resolve(LearnerTrainer.CHECKPOINT));
          })
          .hasMessageContaining("training diverged: after epoch 3 the learnable state's norm is ")
          .hasMessageContaining("more than train.max_state_growth = 1000 times its initial norm")
          .hasMessageContaining("this epoch's checkpoint was not written")
          .hasMessageContaining("The last good checkpoint (epoch 2) is kept at " + run.resolve(LearnerTrainer.CHECKPOINT));
    }
    try (SafetensorsFile checkpoint = SafetensorsFile.open(run.resolve(LearnerTrainer.CHECKPOINT))) {
      assertThat(checkpoint.metadata()).containsEntry("epochs_done", "2");
      before = checkpoint.readFloats("learner.ctx");
      assertThat(StateCheck.norm(java.util.Map.of("ctx", before))).isLessThan(10);
      assertThat(Double.parseDouble(checkpoint.metadata().get("initial_state_norm"))).isPositive();
    }
    assertThat(run.resolve(LearnerTrainer.STATE)).doesNotExist();
  }

  @Test
  void aLossDivergenceReportsTheLastFiniteLossOfTheEpochBefore() {
    TrainingData poisoned = poisoned(1, Float.POSITIVE_INFINITY, "poisoned-at-epoch-2");
    List<Double> losses = new ArrayList<>();
    TrainingListener record = new TrainingListener() {
      @Override
      public void onEpochEnd(EpochSummary summary) {
        losses.add(summary.loss());
      }
    };
    try (PromptLearner learner = ToyTraining.learner(backbone, 1)) {
      assertThatThrownBy(() -> trainer.train(ToyTraining.job(learner, backbone, poisoned, dir.resolve("inf"), 1, false,
          List.of(record))))
          .isInstanceOfSatisfying(TrainingDivergedException.class, e -> {
            assertThat(e.epoch()).isEqualTo(2);
            assertThat(e.step()).isEqualTo(1);
            assertThat(e.epochsDone()).isEqualTo(1);
            assertThat(losses).hasSize(1);
            // the last step's loss of epoch 1 is finite and of the order of the epoch's mean
            assertThat(e.lastFiniteLoss()).isFinite().isCloseTo(losses.get(0), org.assertj.core.data.Offset.offset(0.5));
          });
    }
  }

  @Test
  void aPoisonedCheckpointIsRefusedOnResumeNamingFileAndTensor() {
    Path run = dir.resolve("poisoned-checkpoint");
    try (PromptLearner learner = ToyTraining.learner(backbone, 1)) {
      TrainingListener stop = new TrainingListener() {
        @Override
        public void onEpochEnd(EpochSummary summary) {
          if (summary.epoch() == 1) {
            throw new IllegalStateException("killed after epoch 2");
          }
        }
      };
      assertThatThrownBy(() -> trainer.train(ToyTraining.job(learner, backbone, data, run, 1, false, List.of(stop))))
          .hasMessage("killed after epoch 2");
    }
    Path file = run.resolve(LearnerTrainer.CHECKPOINT);
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      org.ckcoop.backbone.safetensors.SafetensorsWriter w = new org.ckcoop.backbone.safetensors.SafetensorsWriter()
          .putAllMetadata(f.metadata());
      for (org.ckcoop.backbone.safetensors.TensorEntry e : f.entries().values()) {
        float[] v = f.readFloats(e.name());
        if (e.name().equals("learner.ctx")) {
          v[5] = Float.NaN;
        }
        w.addFloats(e.name(), v, e.shape(), org.ckcoop.backbone.safetensors.StorageType.F32);
      }
      w.write(run.resolve("poisoned.tmp"));
    }
    try {
      Files.move(run.resolve("poisoned.tmp"), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    try (PromptLearner learner = ToyTraining.learner(backbone, 1)) {
      assertThatThrownBy(() -> trainer.train(ToyTraining.job(learner, backbone, data, run, 1, true, List.of())))
          .isInstanceOf(org.ckcoop.common.InputException.class)
          .hasMessage(file + ": tensor 'learner.ctx' holds 1 non-finite value (the first, NaN, at index 5 of "
              + 4 * backbone.architecture().text().width() + "); a poisoned state is never loaded"
              + " (retrain, or resume from an earlier checkpoint)");
    }
  }

  @Test
  void memoryStaysFlatOverAThousandSteps() {
    List<Integer> live = new ArrayList<>();
    NDManager system;
    try (NDManager probe = EngineRuntime.engine().newBaseManager()) {
      system = probe.getParentManager();
    }
    LearnerTrainer many = new LearnerTrainer(ToyTraining.optim(0.01), new TrainSettings(56, 2, true, 1, 50));
    try (PromptLearner learner = ToyTraining.learner(backbone, 1)) {
      many.train(ToyTraining.job(learner, backbone, data, dir.resolve("long"), 1, false, List.of(new TrainingListener() {
        @Override
        public void onEpochEnd(EpochSummary summary) {
          live.add(system.getManagedArrays().size());
        }
      })));
    }
    assertThat(live).hasSize(56);
    assertThat(live.subList(1, live.size())).containsOnly(live.get(1)); // 56 epochs x 18 steps = 1,008 steps
  }
}
