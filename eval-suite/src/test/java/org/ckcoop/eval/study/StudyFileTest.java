package org.ckcoop.eval.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ckcoop.common.InputException;
import org.ckcoop.core.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading experiment files: errors that name the key, machine-local paths, recipes, sweep variants. */
class StudyFileTest {
  @TempDir Path dir;

  private Path experiment(String... extra) {
    return BaseToNewStudyTest.experiment(dir, extra);
  }

  @Test
  void aTypoInAnyKeyIsNamedWithTheClosestKnownKey() {
    assertThatThrownBy(() -> StudyFile.read(experiment("study.seed: [1]"), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("unknown key 'study.seed' in " + dir.resolve("experiment.yaml") + "; did you mean 'study.seeds'?");
    assertThatThrownBy(() -> StudyFile.read(experiment(), List.of("datasets.shapes.rot=x")))
        .hasMessage("unknown key 'datasets.shapes.rot' in --set; did you mean 'datasets.shapes.root'?");
    assertThatThrownBy(() -> StudyFile.read(experiment(), List.of("optim.lr=-1")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("optim.lr = -1 (from --set)");
    assertThatThrownBy(() -> StudyFile.read(experiment(), List.of("datasets.Shapes.root=x")))
        .hasMessageContaining("key 'datasets.Shapes.root': a dataset id is lower snake case");
  }

  @Test
  void aLearnerWithoutARecipeIsAnErrorUnlessTheStudySaysDefaults() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("no-recipes"));
    assertThatThrownBy(() -> StudyFile.read(experiment(), List.of("study.learner_configs=" + empty)))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("study.learners: learner 'zsclip' has no recipe: no " + empty.resolve("zsclip.yaml")
            + ", no study.recipes entry, no recipe in the plugin's jar (META-INF/ckcoop/learners/zsclip.yaml)")
        .hasMessageEndingWith("; add one, or list the learner in study.default_recipes to run it on the built-in"
            + " optim/train defaults plus the experiment file");
    Study study = StudyFile.read(experiment(), List.of("study.learner_configs=" + empty,
        "study.default_recipes=zsclip,coop"));
    PlannedRun coop = study.runs().get(1);
    assertThat(coop.plan().resolved().sources()).containsEntry("learner.coop.ctx_init", "defaults");
    assertThat(coop.plan().resolved().values()).containsEntry("optim.lr", "0.002");
  }

  @Test
  void aBackboneIsLabelledByItsFolderOrItsWeightsFilesStem() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("clip-vit-base-patch16"));
    assertThat(Study.nameOf(folder)).isEqualTo("clip-vit-base-patch16");
    assertThat(Study.nameOf(Path.of("/home/r/.cache/clip/RN50.pt"))).isEqualTo("RN50");
    assertThat(Study.nameOf(Path.of("/home/r/.cache/clip/ViT-B-16.pt"))).isEqualTo("ViT-B-16");
    assertThat(Study.nameOf(Path.of("/m/my-clip.safetensors"))).isEqualTo("my-clip");
    assertThat(Study.nameOf(Path.of("/m/vit_b16/open_clip_pytorch_model.bin"))).isEqualTo("vit_b16");
    assertThat(Study.nameOf(Path.of("/m/hf/pytorch_model-00001-of-00002.bin"))).isEqualTo("hf");
    assertThat(Study.nameOf(Path.of("/m/hf/model.safetensors"))).isEqualTo("hf");
  }

  @Test
  void theExperimentFileAndRecipesAreReadOnceHoweverManyRuns() {
    org.ckcoop.core.config.ConfigFileCache files = new org.ckcoop.core.config.ConfigFileCache();
    Path exp = experiment();
    Study study = StudyFile.read(exp, List.of(), SweepGrid.NONE, org.ckcoop.core.plugin.LearnerRegistry.discover(),
        org.ckcoop.eval.data.DatasetRegistry.discover(), files);
    assertThat(study.runs()).hasSizeGreaterThan(3);
    assertThat(files.diskReads(exp)).isEqualTo(1);
    assertThat(files.diskReads(StudyFile.repositoryConfigs().resolve("coop.yaml"))).isEqualTo(1);
    // every run was planned from the same contents
    assertThat(study.runs()).extracting(r -> r.plan().resolved().values().get("train.epochs")).containsOnly("2");
  }

  @Test
  void learnersDatasetsAndTheBackboneAreChecked() {
    Path exp = experiment();
    assertThatThrownBy(() -> StudyFile.read(exp, List.of("study.learners=zsclip,cooop")))
        .isInstanceOf(InputException.class)
        .hasMessage("study.learners: unknown learner 'cooop' (known: ckcoop, cocoop, coop, ivlp, kgcoop, linear_probe, listed, maple, prograd, promptsrc, zsclip)");
    assertThatThrownBy(() -> StudyFile.read(exp, List.of("datasets.shapes.root=")))
        .hasMessageStartingWith("datasets.shapes.root: not set; expected the CoOp DATA folder");
    assertThatThrownBy(() -> StudyFile.read(exp, List.of("datasets.shapes.root=" + dir.resolve("nowhere"))))
        .hasMessage("datasets.shapes.root = " + dir.resolve("nowhere") + ": no such folder: " + dir.resolve("nowhere"));
    assertThatThrownBy(() -> StudyFile.read(exp, List.of("datasets.shapes.name=OxfordPats")))
        .hasMessageStartingWith("datasets.shapes.name: unknown dataset 'OxfordPats' (known: ImageNet, Caltech101, ");
    assertThatThrownBy(() -> StudyFile.read(exp, List.of("study.datasets=shapes,pets")))
        .hasMessage("study.datasets: dataset 'pets' has no datasets.pets section (declared: shapes)");
    assertThatThrownBy(() -> StudyFile.read(exp, List.of("study.seeds=1,1")))
        .hasMessage("study.seeds = [1, 1]: lists a value twice");
    assertThatThrownBy(() -> StudyFile.read(exp, List.of("backbone.checkpoint=missing")))
        .hasMessageStartingWith("backbone.checkpoint = missing: no such file or folder: ");
    assertThatThrownBy(() -> StudyFile.read(exp, List.of("study.targets=shapes")))
        .hasMessageStartingWith("study.targets: is used only by cross-dataset and domain-generalization");
    assertThatThrownBy(() -> StudyFile.read(exp, List.of("study.protocol=cross-dataset")))
        .hasMessageStartingWith("study.targets: not set; expected the ids of the datasets cross-dataset tests on");
    assertThatThrownBy(() -> StudyFile.read(exp, List.of("study.protocol=zero-shot")))
        .hasMessageContaining("study.protocol").hasMessageContaining("base2new, cross_dataset");
  }

  @Test
  void keysTheStudySetsForEachRunCannotBeSetByHand() {
    assertThatThrownBy(() -> StudyFile.read(experiment("learner:", "  name: coop"), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("learner.name (from " + dir.resolve("experiment.yaml") + "): is set by the study for each run: list"
            + " the learners in study.learners");
    assertThatThrownBy(() -> StudyFile.read(experiment(), List.of("train.seed=4")))
        .hasMessageStartingWith("train.seed (from --set): is set by the study for each run: list the seeds in study.seeds");
    assertThatThrownBy(() -> StudyFile.read(experiment(), List.of("run.shots=4")))
        .hasMessageStartingWith("run.shots (from --set): is set by the study for each run");
  }

  @Test
  void theSameDataInAnotherFolderKeepsEveryRunsIdentity() throws Exception {
    Path exp = experiment();
    Study here = StudyFile.read(exp, List.of());
    Path moved = dir.resolve("elsewhere/shapes");
    Files.createDirectories(moved.getParent());
    Files.move(dir.resolve("data/shapes"), moved);
    Study there = StudyFile.read(exp, List.of("datasets.shapes.root=" + moved, "split.dir=" + dir.resolve("s2"),
        "study.output=" + dir.resolve("out2"), "study.cache=" + dir.resolve("c2"), "backbone.batch_size=3"));
    for (int i = 0; i < here.runs().size(); i++) {
      PlannedRun a = here.runs().get(i);
      PlannedRun b = there.runs().get(i);
      assertThat(b.configHash()).isEqualTo(a.configHash());
      assertThat(b.plan().resolved().values()).containsEntry("datasets.shapes.root", moved.toString());
      assertThat(b.plan().resolved().localKeys())
          .containsExactly("datasets.shapes.root", "datasets.shapes.split_file", "split.dir");
    }
    assertThat(StudyFile.read(exp, List.of("datasets.shapes.root=" + moved, "train.epochs=3")).runs().get(1).configHash())
        .isNotEqualTo(here.runs().get(1).configHash());
    assertThat(StudyFile.read(exp, List.of("datasets.shapes.root=" + moved, "datasets.shapes.template=a {} thing."))
        .runs().get(0).configHash()).isNotEqualTo(here.runs().get(0).configHash());
  }

  @Test
  void pathsResolveAgainstTheExperimentFolderAndRecipesComeFromTheRepository() throws Exception {
    Study study = StudyFile.read(experiment(), List.of());
    assertThat(study.checkpoint()).isEqualTo(dir.resolve("clip"));
    assertThat(study.datasets().get("shapes").root()).isEqualTo(dir.resolve("data/shapes"));
    assertThat(study.name()).isEqualTo("tiny");
    PlannedRun coop = study.runs().get(1);
    // configs/learners/coop.yaml (the repository's recipe) is the learner layer; the experiment wins over it.
    assertThat(coop.plan().resolved().sources()).containsEntry("learner.coop.ctx_init",
        StudyFile.repositoryConfigs().resolve("coop.yaml").toString())
        .containsEntry("train.epochs", dir.resolve("experiment.yaml").toString());
    assertThat(coop.plan().resolved().values()).containsEntry("learner.coop.n_ctx", "4")
        .containsEntry("train.epochs", "2").containsEntry("optim.lr", "0.002");

    Path recipe = StudyFixture.write(dir.resolve("recipes/my-coop.yaml"), "learner:", "  coop:", "    n_ctx: 2",
        "    ctx_init: ''");
    // In the experiment file a relative path is relative to the file's folder; with --set, to the working directory.
    Study custom = StudyFile.read(experiment("study.recipes: [coop=recipes/my-coop.yaml]"), List.of());
    assertThat(custom.runs().get(1).plan().resolved().values()).containsEntry("learner.coop.n_ctx", "2")
        .containsEntry("learner.coop.ctx_init", "");
    assertThatThrownBy(() -> StudyFile.read(experiment(), List.of("study.recipes=coop=recipes/my-coop.yaml")))
        .hasMessage("study.recipes = coop=recipes/my-coop.yaml: no such file: "
            + Path.of("recipes/my-coop.yaml").toAbsolutePath());
    StudyFixture.write(dir.resolve("recipes/wrong.yaml"), "learner:", "  name: cocoop");
    assertThatThrownBy(() -> StudyFile.read(experiment(), List.of("study.recipes=coop=" + dir.resolve("recipes/wrong.yaml"))))
        .hasMessage(dir.resolve("recipes/wrong.yaml") + ": is a recipe for learner 'cocoop', not 'coop'");

    Path nameless = StudyFixture.write(dir.resolve("sub/exp2.yml"), "study:", "  learners: [zsclip]",
        "  datasets: [shapes]", "backbone.checkpoint: ../clip", "datasets.shapes:", "  name: image-folder",
        "  root: ../data/shapes");
    Study defaults = StudyFile.read(nameless, List.of());
    assertThat(defaults.name()).isEqualTo("exp2");
    assertThat(defaults.output()).isEqualTo(dir.resolve("sub/results/exp2"));
    assertThat(defaults.runs()).extracting(PlannedRun::seed).containsExactly(1L, 2L, 3L);
    assertThat(defaults.runs()).extracting(PlannedRun::shots).containsOnly(16);
    assertThat(defaults.runs().get(0).folder()).isEqualTo(dir.resolve("sub/results/exp2/base2new/zsclip/shapes/shots16/seed1"));
  }

  @Test
  void aSweepGridGivesOneVariantPerPointForTheLearnersItConcerns() {
    Path exp = experiment();
    SweepGrid grid = SweepGrid.parse(List.of("learner.coop.n_ctx=2,4", "train.epochs=1"));
    Study sweep = StudyFile.read(exp, List.of("study.seeds=1"), grid);
    assertThat(sweep.variants()).extracting(Variant::label).containsExactly("zsclip[train.epochs=1]",
        "coop[learner.coop.n_ctx=2,train.epochs=1]", "coop[learner.coop.n_ctx=4,train.epochs=1]");
    assertThat(sweep.variants().get(1).slug()).isEqualTo("coop__learner.coop.n_ctx=2__train.epochs=1");
    assertThat(sweep.runs()).extracting(PlannedRun::configHash).doesNotHaveDuplicates();
    assertThat(sweep.runs().get(1).plan().resolved().values()).containsEntry("learner.coop.n_ctx", "2")
        .containsEntry("train.epochs", "1");
    assertThat(sweep.runs().get(1).plan().resolved().sources()).containsEntry("learner.coop.n_ctx", "--set");

    Study onlyCoop = StudyFile.read(exp, List.of("study.seeds=1"), SweepGrid.parse(List.of("learner.coop.csc=true,false")));
    assertThat(onlyCoop.variants()).extracting(Variant::label)
        .containsExactly("zsclip", "coop[learner.coop.csc=true]", "coop[learner.coop.csc=false]");

    assertThatThrownBy(() -> StudyFile.read(exp, List.of(), SweepGrid.parse(List.of("learner.coop.nctx=2,4"))))
        .hasMessage("--vary: unknown key 'learner.coop.nctx'; did you mean 'learner.coop.n_ctx'?");
    assertThatThrownBy(() -> StudyFile.read(exp, List.of(), SweepGrid.parse(List.of("train.seed=1,2"))))
        .hasMessageStartingWith("--vary: key 'train.seed': is set by the study for each run");
    assertThatThrownBy(() -> StudyFile.read(exp, List.of(), SweepGrid.parse(List.of("study.shots=1,2"))))
        .hasMessageStartingWith("--vary: key 'study.shots': is the same for every run of a study");
    assertThatThrownBy(() -> StudyFile.read(exp, List.of(), SweepGrid.parse(List.of("learner.kgcoop.w=1,2"))))
        .hasMessage("--vary: key 'learner.kgcoop.w': configures learner 'kgcoop', which is not in study.learners"
            + " [zsclip, coop]");
    assertThatThrownBy(() -> SweepGrid.parse(List.of("train.epochs=1,,2")))
        .hasMessage("--vary 'train.epochs=1,,2': expected a list of non-empty values, got [1, , 2]");
    assertThatThrownBy(() -> SweepGrid.parse(List.of("train.epochs")))
        .hasMessage("--vary 'train.epochs': expected key=value1,value2,...");
  }

  @Test
  void aGridFileListsValuesPerKey() {
    Path file = StudyFixture.write(dir.resolve("grid.yaml"), "learner:", "  coop:", "    n_ctx: [2, 4]",
        "train.epochs: 3");
    SweepGrid grid = SweepGrid.read(file);
    assertThat(grid.axes()).isEqualTo(Map.of("learner.coop.n_ctx", List.of("2", "4"), "train.epochs", List.of("3")));
    assertThat(grid.points()).containsExactly(Map.of("learner.coop.n_ctx", "2", "train.epochs", "3"),
        Map.of("learner.coop.n_ctx", "4", "train.epochs", "3"));
    Path empty = StudyFixture.write(dir.resolve("empty.yaml"), "# nothing");
    assertThatThrownBy(() -> SweepGrid.read(empty)).hasMessageStartingWith(empty + ": the grid is empty");
  }
}
