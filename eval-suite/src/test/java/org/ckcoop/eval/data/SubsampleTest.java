package org.ckcoop.eval.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The base-to-new rule: first ceil(n/2) sorted labels vs the rest, relabelled from 0. */
class SubsampleTest {
  @TempDir Path root;

  private DatasetSplits dataset(int n, int perClass) {
    List<String> names = FabricatedData.classes(n);
    List<Datum> train = new ArrayList<>();
    List<Datum> test = new ArrayList<>();
    for (int i = 0; i < perClass; i++) {
      for (int c = n - 1; c >= 0; c--) { // labels not in ascending order in the list
        train.add(Datum.of(root.resolve("train/" + c + "_" + i + ".jpg"), c, names.get(c)));
        test.add(Datum.of(root.resolve("test/" + c + "_" + i + ".jpg"), c, names.get(c)));
      }
    }
    return DatasetSplits.builder("Toy").imageRoot(root).classNames(names).train(train).test(test).build();
  }

  @Test
  void baseCountIsCeilOfHalf() {
    assertThat(Subsample.baseCount(1)).isEqualTo(1);
    assertThat(Subsample.baseCount(10)).isEqualTo(5);
    assertThat(Subsample.baseCount(37)).isEqualTo(19);
    assertThat(Subsample.baseCount(397)).isEqualTo(199);
    assertThat(Subsample.baseCount(101)).isEqualTo(51);
  }

  @Test
  void oddClassCountGivesTheExtraClassToBase() {
    DatasetSplits full = dataset(5, 2);
    DatasetSplits base = Subsample.BASE.apply(full);
    DatasetSplits fresh = Subsample.NEW.apply(full);
    assertThat(Subsample.BASE.labels(full)).containsExactly(0, 1, 2);
    assertThat(Subsample.NEW.labels(full)).containsExactly(3, 4);
    assertThat(base.classNames()).containsExactly("class_0", "class_1", "class_2");
    assertThat(fresh.classNames()).containsExactly("class_3", "class_4");
    assertThat(base.train()).hasSize(6);
    assertThat(fresh.test()).hasSize(4);
    // relabelled from 0 in ascending original order; list order and names kept
    assertThat(fresh.test()).extracting(Datum::label).containsExactly(1, 0, 1, 0);
    assertThat(fresh.test()).extracting(Datum::className).containsExactly("class_4", "class_3", "class_4", "class_3");
    assertThat(fresh.test().get(0).image()).isEqualTo(root.resolve("test/4_0.jpg"));
    assertThat(Subsample.ALL.apply(full)).isSameAs(full);
  }

  @Test
  void evenClassCountSplitsInHalves() {
    DatasetSplits full = dataset(4, 1);
    assertThat(Subsample.BASE.apply(full).classNames()).containsExactly("class_0", "class_1");
    DatasetSplits fresh = Subsample.NEW.apply(full);
    assertThat(fresh.classNames()).containsExactly("class_2", "class_3");
    assertThat(fresh.train()).extracting(Datum::label).containsExactly(1, 0);
    assertThat(fresh.prompts()).containsExactly("a photo of a class 2.", "a photo of a class 3.");
  }

  @Test
  void shotsAreSampledOnAllClassesThenFilteredToBase() {
    DatasetSplits full = dataset(5, 6);
    DatasetSplits sampled = FewShotSampler.dassl().sample(full, 2, 1);
    DatasetSplits base = Subsample.BASE.apply(sampled);
    List<Datum> expected = sampled.train().stream().filter(d -> d.label() < 3).toList(); // base labels 0..2 keep their numbers
    assertThat(base.train()).isEqualTo(expected);
    // sampling base classes alone would draw differently: the stream also serves classes 3 and 4 first
    DatasetSplits baseFirst = FewShotSampler.dassl().sample(Subsample.BASE.apply(full), 2, 1);
    assertThat(baseFirst.train()).isNotEqualTo(base.train());
    assertThat(base.test()).hasSize(18);
  }

  @Test
  void aOneClassDatasetHasNoNewHalf() {
    assertThatThrownBy(() -> Subsample.NEW.apply(dataset(1, 1))).isInstanceOf(DatasetException.class)
        .hasMessage("Toy: has 1 class(es), so its new half is empty");
  }
}
