package org.ckcoop.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.backbone.checkpoint.FloatTensor;
import org.ckcoop.common.engine.EngineArrays;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.core.fixture.TinyBackbones;
import org.ckcoop.core.learner.LearnerBatch;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.learner.StateTensors;
import org.ckcoop.core.learner.StepOutput;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's {@link DirectFit} path with a nearest-class-mean learner: one fit with the validation
 * examples instead of epochs, the run files, a resume that reads the fitted state without fitting again,
 * a non-finite fit refused before a checkpoint is written.
 */
class DirectFitTest {
  static ClipBackbone backbone;
  @TempDir Path dir;

  @BeforeAll
  static void load() {
    backbone = TinyBackbones.create(3);
  }

  @AfterAll
  static void close() {
    backbone.close();
  }

  /** Class means of the training features as a state; scores are dot products with them. */
  static final class ClassMeans implements PromptLearner, DirectFit {
    final NDManager manager = EngineRuntime.engine().newBaseManager();
    final int classes;
    final int width;
    final NDArray means;
    final boolean poison;
    int fits;
    TrainingData seenValidation;

    ClassMeans(int classes, int width, boolean poison) {
      this.classes = classes;
      this.width = width;
      this.poison = poison;
      this.means = EngineArrays.of(manager, new float[classes * width], new Shape(classes, width));
    }

    @Override
    public FitReport fit(TrainingData train, TrainingData validation) {
      fits++;
      seenValidation = validation;
      float[] sums = new float[classes * width];
      int[] counts = new int[classes];
      float[] row = new float[width];
      for (int i = 0; i < train.size(); i++) {
        train.features(i, 0, row, 0);
        counts[train.label(i)]++;
        for (int j = 0; j < width; j++) {
          sums[train.label(i) * width + j] += row[j];
        }
      }
      for (int i = 0; i < sums.length; i++) {
        sums[i] = poison ? Float.NaN : sums[i] / Math.max(1, counts[i / width]);
      }
      EngineArrays.overwrite(means, sums);
      return new FitReport(1.5, 75.0, 1, new TreeMap<>(Map.of("validation_examples",
          validation == null ? -1.0 : validation.size())), List.of("class means of " + train.size() + " examples"));
    }

    @Override
    public List<String> classNames() {
      return List.of("a", "b", "c").subList(0, classes);
    }

    @Override
    public void setClassNames(List<String> classNames) {}

    @Override
    public Map<String, NDArray> trainableParameters() {
      return Map.of();
    }

    @Override
    public Map<String, NDArray> stateTensors() {
      return Map.of("means", means);
    }

    @Override
    public void loadState(Map<String, FloatTensor> tensors) {
      StateTensors.requireMatching("means", tensors, stateTensors(), "");
      EngineArrays.overwrite(means, tensors.get("means").data());
    }

    @Override
    public StepOutput forward(LearnerBatch batch) {
      return new StepOutput(batch.imageFeatures().matMul(means.transpose()), Map.of());
    }

    @Override
    public void close() {
      manager.close();
    }
  }

  @Test
  void aDirectFitIsFittedOnceWithTheValidationExamplesAndResumedWithoutFittingAgain() throws Exception {
    CachedFeatures train = ToyTraining.data(backbone, 4, 1);
    CachedFeatures val = ToyTraining.data(backbone, 2, 2);
    CachedFeatures both = train.withValidation(val);
    assertThat(train.validation()).isNull();
    assertThat(both.validation()).isSameAs(val);
    assertThat(both.identity()).isNotEqualTo(train.identity()).hasSize(64);
    int width = backbone.architecture().embedDim();
    Path run = dir.resolve("run");
    LearnerTrainer trainer = new LearnerTrainer(ToyTraining.optim(0.1), TrainSettings.coop());
    float[] fitted;
    try (ClassMeans learner = new ClassMeans(3, width, false)) {
      TrainingResult result = trainer.train(ToyTraining.job(learner, backbone, both, run, 1, false, List.of()));
      assertThat(learner.fits).isEqualTo(1);
      assertThat(learner.seenValidation).isSameAs(val);
      assertThat(result.epochs()).isEqualTo(1);
      assertThat(result.history()).singleElement().satisfies(s -> {
        assertThat(s.loss()).isEqualTo(1.5);
        assertThat(s.accuracy()).isEqualTo(75.0);
        assertThat(s.steps()).isEqualTo(1);
      });
      fitted = learner.means.toFloatArray();
    }
    List<String> metrics = Files.readAllLines(run.resolve("metrics.jsonl"));
    assertThat(metrics).hasSize(1);
    assertThat(new ObjectMapper().readTree(metrics.get(0)).get("fit").get("validation_examples").asDouble())
        .isEqualTo(6.0);
    assertThat(run.resolve(LearnerTrainer.FIT_REPORT)).isRegularFile();
    assertThat(Files.readString(run.resolve("train.log"))).contains("class means of 12 examples")
        .contains("fitted directly (12 training examples, 6 validation examples)");
    try (ClassMeans again = new ClassMeans(3, width, false)) {
      TrainingResult resumed = trainer.train(ToyTraining.job(again, backbone, both, run, 1, true, List.of()));
      assertThat(again.fits).isZero();
      assertThat(resumed.resumed()).isTrue();
      assertThat(again.means.toFloatArray()).containsExactly(fitted);
      assertThat(resumed.metrics()).containsEntry("validation_examples", 6.0);
    }
    // killed after the fit report and the metrics line, before the checkpoint (the commit marker):
    // the resume fits again and the folder ends as an uninterrupted run's
    Files.delete(run.resolve(LearnerTrainer.CHECKPOINT));
    try (ClassMeans again = new ClassMeans(3, width, false)) {
      TrainingResult refit = trainer.train(ToyTraining.job(again, backbone, both, run, 1, true, List.of()));
      assertThat(again.fits).isEqualTo(1);
      assertThat(refit.resumed()).isFalse();
      assertThat(again.means.toFloatArray()).containsExactly(fitted);
    }
    assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).hasSize(1);
    assertThat(run.resolve(LearnerTrainer.CHECKPOINT)).isRegularFile();
    // on other data the checkpoint is refused, as for any run
    try (ClassMeans other = new ClassMeans(3, width, false)) {
      assertThatThrownBy(() -> trainer.train(ToyTraining.job(other, backbone, train, run, 1, true, List.of())))
          .hasMessageContaining("training examples identity");
    }
  }

  @Test
  void aFitWithoutValidationGetsNullAndANonFiniteFitWritesNoCheckpoint() {
    CachedFeatures train = ToyTraining.data(backbone, 2, 1);
    int width = backbone.architecture().embedDim();
    LearnerTrainer trainer = new LearnerTrainer(ToyTraining.optim(0.1), TrainSettings.coop());
    try (ClassMeans learner = new ClassMeans(3, width, false)) {
      trainer.train(ToyTraining.job(learner, backbone, train, dir.resolve("plain"), 1, false, List.of()));
      assertThat(learner.fits).isEqualTo(1);
      assertThat(learner.seenValidation).isNull();
    }
    Path run = dir.resolve("poisoned");
    try (ClassMeans learner = new ClassMeans(3, width, true)) {
      assertThatThrownBy(() -> trainer.train(ToyTraining.job(learner, backbone, train, run, 1, false, List.of())))
          .isInstanceOf(TrainingDivergedException.class).hasMessageContaining("'means' is not finite");
    }
    assertThat(run.resolve(LearnerTrainer.CHECKPOINT)).doesNotExist();
  }
}
