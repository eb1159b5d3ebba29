package org.ckcoop.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.core.classify.Accuracy;
import org.ckcoop.core.config.ConfigException;
import org.ckcoop.core.config.LayeredConfig;
import org.ckcoop.core.fixture.TinyBackbones;
import org.ckcoop.core.fixture.ToySettings;
import org.ckcoop.core.learner.LearnerStateFile;
import org.ckcoop.core.learner.PromptLearner;
import org.ckcoop.core.plugin.LearnerRegistry;
import org.ckcoop.core.prompt.ClassTokenPosition;
import org.ckcoop.core.train.CachedFeatures;
import org.ckcoop.core.train.EpochSummary;
import org.ckcoop.core.train.TrainingListener;
import org.ckcoop.core.train.TrainingResult;
import org.ckcoop.core.train.ToyTrainingAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance path: a test-only plugin learner is discovered, configured from a file with a
 * command-line override, trained on a tiny backbone from cached features, checkpointed, killed,
 * resumed and evaluated; its result carries the resolved config and its hash.
 */
class PluginLearnerEndToEndTest {
  @TempDir Path dir;

  @Test
  void configureTrainKillResumeEvaluate() throws Exception {
    LearnerRegistry registry = LearnerRegistry.discover();
    Path learnerFile = Files.writeString(dir.resolve("toy.yaml"), """
        learner:
          name: toy
          toy:
            n_ctx: 4
            class_token_position: middle
        """);
    Path experiment = Files.writeString(dir.resolve("exp.properties"), """
        train.epochs = 5
        train.batch_size = 8
        optim.lr = 0.01
        """);
    LayeredConfig config = LayeredConfig.builder(CoreSettings.schema(registry))
        .learnerFile(learnerFile).experimentFile(experiment).override("train.seed=3").build();
    RunPlan plan = RunPlan.from(config, registry);
    assertThat(plan.factory().name()).isEqualTo("toy");
    assertThat(plan.learnerSettings()).isEqualTo(new ToySettings(4, 0.02, ClassTokenPosition.MIDDLE));
    assertThat(plan.train().seed()).isEqualTo(3);
    assertThat(plan.train().epochs()).isEqualTo(5);
    assertThat(config.source("train.seed")).isEqualTo("--set");
    assertThat(config.source("learner.toy.n_ctx")).isEqualTo(learnerFile.toString());
    assertThat(plan.resolved().values()).containsEntry("optim.lr", "0.01").containsEntry("optim.momentum", "0.9")
        .containsEntry("learner.toy.class_token_position", "middle").containsEntry("learner.name", "toy");

    try (ClipBackbone backbone = TinyBackbones.create(11)) {
      CachedFeatures train = ToyTrainingAccess.data(backbone, 12, 5);
      CachedFeatures test = ToyTrainingAccess.data(backbone, 20, 99);
      List<String> classes = ToyTrainingAccess.classes();
      Path run = dir.resolve("run");
      try (PromptLearner learner = plan.newLearner(backbone, classes, "a photo of a {}.")) {
        assertThatThrownBy(() -> plan.train(learner, backbone, train, plan.provenance(backbone, "split-a"), run, false, List.of(new TrainingListener() {
          @Override
          public void onEpochEnd(EpochSummary summary) {
            if (summary.epoch() == 1) {
              throw new IllegalStateException("killed");
            }
          }
        }))).hasMessage("killed");
      }
      TrainingResult result;
      Accuracy accuracy;
      try (PromptLearner learner = plan.newLearner(backbone, classes, "a photo of a {}.")) {
        result = plan.train(learner, backbone, train, plan.provenance(backbone, "split-a"), run, true, List.of());
        accuracy = plan.evaluate(learner, backbone, ToyTrainingAccess.features(test), ToyTrainingAccess.labels(test));
      }
      assertThat(result.resumed()).isTrue();
      assertThat(result.history()).hasSize(5);
      assertThat(accuracy.top1()).isGreaterThan(100.0 / 3 + 10);
      Path uninterrupted = dir.resolve("uninterrupted");
      try (PromptLearner learner = plan.newLearner(backbone, classes, "a photo of a {}.")) {
        plan.train(learner, backbone, train, plan.provenance(backbone, "split-a"), uninterrupted, false, List.of());
      }
      assertThat(LearnerStateFile.read(run.resolve("learner-state.safetensors")).tensors().get("ctx").data())
          .containsExactly(LearnerStateFile.read(uninterrupted.resolve("learner-state.safetensors")).tensors().get("ctx").data());

      TrainingResult stored = result;
      assertThat(stored.provenance().dataIdentity()).isEqualTo("split-a");
      assertThat(stored.provenance().configHash()).isEqualTo(plan.resolved().hash()).hasSize(64);
      assertThat(stored.provenance().resolvedConfig()).isEqualTo(plan.resolved().values());
      assertThat(stored.provenance().backboneIdentity()).isEqualTo(backbone.identity());
      assertThat(stored.provenance().seed()).isEqualTo(3);
      LearnerStateFile state = LearnerStateFile.read(run.resolve("learner-state.safetensors"));
      assertThat(state.learner()).isEqualTo("toy");
      assertThat(state.learnerConfig()).containsEntry("learner.toy.n_ctx", "4");
      assertThat(state.classNames()).isEqualTo(classes);
      // the run repeats from its resolved config alone
      LayeredConfig again = LayeredConfig.builder(CoreSettings.schema(registry))
          .experimentFile(run.resolve("resolved-config.properties")).build();
      assertThat(RunPlan.from(again, registry).resolved().hash()).isEqualTo(plan.resolved().hash());
    }
  }

  @Test
  void configMistakesNameTheKeyTheFileAndWhatIsAllowed() throws Exception {
    LearnerRegistry registry = LearnerRegistry.discover();
    Path file = Files.writeString(dir.resolve("exp.yaml"), "learner:\n  name: toy\n  toy:\n    n_ctxx: 4\n");
    assertThatThrownBy(() -> LayeredConfig.builder(CoreSettings.schema(registry)).experimentFile(file).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'learner.toy.n_ctxx' in " + file + "; did you mean 'learner.toy.n_ctx'?");
    LayeredConfig bad = LayeredConfig.builder(CoreSettings.schema(registry))
        .override("learner.name=toy").override("optim.lr=-1").build();
    assertThatThrownBy(() -> RunPlan.from(bad, registry)).hasMessageContaining("optim.lr = -1 (from --set): must be > 0");
    LayeredConfig unknown = LayeredConfig.builder(CoreSettings.schema(registry)).override("learner.name=coop").build();
    assertThatThrownBy(() -> RunPlan.from(unknown, registry)).hasMessage("learner.name: unknown learner 'coop' (known: ckcoop, toy)");
    LayeredConfig none = LayeredConfig.builder(CoreSettings.schema(registry)).build();
    assertThatThrownBy(() -> RunPlan.from(none, registry)).hasMessage("learner.name: not set (known learners: ckcoop, toy)");
  }
}
