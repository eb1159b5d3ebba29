package org.ckcoop.eval.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Few-shot subsets against Dassl's, replayed in CPython by {@code python_random_golden.py}:
 * {@code random.seed(seed)}, then {@code generate_fewshot_dataset(train, K)} and
 * {@code generate_fewshot_dataset(val, min(K, 4))} on the same stream, with {@code repeat} False and True.
 */
class FewShotSamplerTest {
  static JsonNode golden;
  @TempDir Path root;

  @BeforeAll
  static void load() throws IOException {
    golden = PythonRandomTest.readGolden();
  }

  private static List<Integer> labels(JsonNode layout, String key) {
    return PythonRandomTest.ints(layout.get(key));
  }

  /** A dataset whose train and val lists have the golden layout's labels; image i of a part is {@code <part>/<i>.jpg}. */
  private DatasetSplits dataset(JsonNode layout, boolean withVal) {
    List<Integer> train = labels(layout, "train_labels");
    List<Integer> val = labels(layout, "val_labels");
    int n = train.stream().mapToInt(Integer::intValue).max().orElseThrow() + 1;
    List<String> names = FabricatedData.classes(n);
    return DatasetSplits.builder("Golden").imageRoot(root).classNames(names)
        .train(data("train", train, names))
        .val(withVal ? data("val", val, names) : List.of())
        .test(data("test", List.of(0), names))
        .build();
  }

  private List<Datum> data(String part, List<Integer> labels, List<String> names) {
    List<Datum> out = new ArrayList<>();
    for (int i = 0; i < labels.size(); i++) {
      out.add(Datum.of(root.resolve(part + "/" + i + ".jpg"), labels.get(i), names.get(labels.get(i))));
    }
    return out;
  }

  private static List<Integer> indices(List<Datum> data) {
    return data.stream().map(d -> Integer.parseInt(d.image().getFileName().toString().replace(".jpg", ""))).toList();
  }

  @Test
  void subsetsAndTheirOrderAreDasslsForEverySeedShotsAndRepeat() {
    JsonNode layouts = golden.get("fewshot_layouts");
    int checked = 0;
    for (JsonNode c : golden.get("fewshot")) {
      JsonNode layout = layouts.get(c.get("layout").asInt());
      int shots = c.get("shots").asInt();
      long seed = c.get("seed").asLong();
      FewShotSampler sampler = new FewShotSampler(c.get("repeat").asBoolean() ? ShortClassPolicy.REPEAT
          : ShortClassPolicy.KEEP_ALL);
      DatasetSplits sampled = sampler.sample(dataset(layout, true), shots, seed);
      String what = "layout " + c.get("layout") + ", seed " + seed + ", " + shots + " shots, " + sampler.shortClasses();
      assertThat(indices(sampled.train())).as(what + ", train").isEqualTo(PythonRandomTest.ints(c.get("train")));
      assertThat(indices(sampled.val())).as(what + ", val").isEqualTo(PythonRandomTest.ints(c.get("val")));
      assertThat(sampled.test()).hasSize(1);
      checked++;
    }
    assertThat(checked).isEqualTo(120);
  }

  @Test
  void perClassOnPlainItemsMatchesTheGoldensToo() {
    JsonNode c = golden.get("fewshot").get(57);
    JsonNode layout = golden.get("fewshot_layouts").get(c.get("layout").asInt());
    List<Integer> train = labels(layout, "train_labels");
    List<Integer> val = labels(layout, "val_labels");
    FewShotSampler sampler = new FewShotSampler(c.get("repeat").asBoolean() ? ShortClassPolicy.REPEAT
        : ShortClassPolicy.KEEP_ALL);
    PythonRandom random = new PythonRandom(c.get("seed").asLong());
    int shots = c.get("shots").asInt();
    List<Integer> trainIdx = IntStream.range(0, train.size()).boxed().toList();
    List<Integer> valIdx = IntStream.range(0, val.size()).boxed().toList();
    assertThat(sampler.perClass(trainIdx, train::get, shots, random)).isEqualTo(PythonRandomTest.ints(c.get("train")));
    assertThat(sampler.perClass(valIdx, val::get, Math.min(shots, 4), random)).isEqualTo(PythonRandomTest.ints(c.get("val")));
  }

  @Test
  void countsAreKPerClassAndMinKFourForValWithSmallClassesKeptOrRepeated() {
    JsonNode layout = golden.get("fewshot_layouts").get(2); // 37 classes of 1..60 train and 1..8 val images
    DatasetSplits full = dataset(layout, true);
    Map<Integer, Integer> trainSizes = counts(full.train());
    Map<Integer, Integer> valSizes = counts(full.val());
    for (int shots : new int[] {1, 2, 4, 8, 16}) {
      DatasetSplits keep = FewShotSampler.dassl().sample(full, shots, 1);
      DatasetSplits repeat = new FewShotSampler(ShortClassPolicy.REPEAT).sample(full, shots, 1);
      Map<Integer, Integer> keepTrain = counts(keep.train());
      Map<Integer, Integer> keepVal = counts(keep.val());
      for (int label = 0; label < full.numClasses(); label++) {
        assertThat(keepTrain.get(label)).isEqualTo(Math.min(shots, trainSizes.get(label)));
        assertThat(keepVal.get(label)).isEqualTo(Math.min(Math.min(shots, 4), valSizes.get(label)));
        assertThat(counts(repeat.train()).get(label)).isEqualTo(shots);
        assertThat(counts(repeat.val()).get(label)).isEqualTo(Math.min(shots, 4));
      }
      assertThat(keep.train()).doesNotHaveDuplicates();
    }
    assertThat(trainSizes.values()).as("the layout has classes smaller than 16").anyMatch(s -> s < 16);
  }

  private static Map<Integer, Integer> counts(List<Datum> data) {
    Map<Integer, Integer> counts = new HashMap<>();
    data.forEach(d -> counts.merge(d.label(), 1, Integer::sum));
    return counts;
  }

  @Test
  void withoutAValPartOnlyTrainDrawsAsForImageNet() {
    JsonNode layout = golden.get("fewshot_layouts").get(1);
    DatasetSplits full = dataset(layout, false);
    DatasetSplits sampled = FewShotSampler.dassl().sample(full, 4, 2);
    assertThat(sampled.val()).isEmpty();
    JsonNode c = find(1, 2, 4, false);
    assertThat(indices(sampled.train())).isEqualTo(PythonRandomTest.ints(c.get("train")));
  }

  private static JsonNode find(int layout, int seed, int shots, boolean repeat) {
    for (JsonNode c : golden.get("fewshot")) {
      if (c.get("layout").asInt() == layout && c.get("seed").asInt() == seed && c.get("shots").asInt() == shots
          && c.get("repeat").asBoolean() == repeat) {
        return c;
      }
    }
    throw new AssertionError("no golden case");
  }

  @Test
  void samplingIsDeterministicAndDependsOnTheSeed() {
    DatasetSplits full = dataset(golden.get("fewshot_layouts").get(1), true);
    DatasetSplits a = FewShotSampler.dassl().sample(full, 4, 3);
    DatasetSplits b = FewShotSampler.dassl().sample(full, 4, 3);
    DatasetSplits c = FewShotSampler.dassl().sample(full, 4, 4);
    assertThat(a.train()).isEqualTo(b.train());
    assertThat(a.val()).isEqualTo(b.val());
    assertThat(a.train()).isNotEqualTo(c.train());
    assertThat(FewShotSampler.dassl().version()).isEqualTo("dassl-fewshot/1 cpython-random short_classes=keep_all");
  }

  @Test
  void testOnlyDatasetsAndBadArgumentsAreRejected() {
    DatasetSplits testOnly = DatasetSplits.builder("Sketchy").imageRoot(root).classNames(List.of("a"))
        .test(List.of(Datum.of(root.resolve("a.jpg"), 0, "a"))).build();
    assertThatThrownBy(() -> FewShotSampler.dassl().sample(testOnly, 16, 1)).isInstanceOf(DatasetException.class)
        .hasMessage("Sketchy: is test-only: it has no training images to sample 16 shots per class from");
    DatasetSplits full = dataset(golden.get("fewshot_layouts").get(0), true);
    assertThatThrownBy(() -> FewShotSampler.dassl().sample(full, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FewShotSampler.dassl().sample(full, 1, -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
