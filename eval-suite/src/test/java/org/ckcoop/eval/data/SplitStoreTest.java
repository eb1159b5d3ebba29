package org.ckcoop.eval.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.ckcoop.common.InputException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Split files: written once with their hash, reused, and checked so a corrupt or mismatching file is never used. */
class SplitStoreTest {
  /**
   * The SHA-256 of the fabricated OxfordPets dataset's content (independent of where it lies). Both
   * goldens are also what {@code split_file_golden.py} computes in CPython from the same layout with
   * {@code random}, {@code json} and {@code hashlib} alone, so the reader's order, Dassl's sampling,
   * the canonical JSON and both hashes agree with Python end to end.
   */
  static final String SOURCE_HASH = "11df1f05db6ca6015b3e236f349c5567152c667a03edfbaed3abccfd9e299dbe";
  /** The SHA-256 of its 2-shot split file for seed 1 (the split's identity). */
  static final String IDENTITY = "ce44b3becc0ec387da3a90cab1b33683b3f7aa06d6287cdd3d61180bc1df1baf";

  @TempDir Path data;
  DatasetSplits full;
  SplitStore store;
  Path file;

  @BeforeEach
  void setUp() {
    full = read(data);
    store = SplitStore.beside(full);
    file = store.file("OxfordPets", 2, 1, FewShotSampler.dassl());
  }

  private static DatasetSplits read(Path root) {
    Path home = root.resolve("oxford_pets");
    if (!Files.exists(home)) {
      FabricatedData.splitDataset(home.resolve("images"), home.resolve("split_zhou_OxfordPets.json"),
          List.of("abyssinian", "beagle", "great_pyrenees"), 5, 3, 2);
    }
    return DatasetRegistry.builtIn().reader("OxfordPets").read(DatasetLocation.of(root));
  }

  private FewShotSplit split() {
    return store.fewShot(full, 2, 1, FewShotSampler.dassl());
  }

  @Test
  void theSplitIsWrittenOnceAsCanonicalJsonAndItsHashIsTheIdentity() throws Exception {
    FewShotSplit split = split();
    assertThat(file).isEqualTo(data.resolve("oxford_pets/split_fewshot_ckcoop/OxfordPets/shot_2-seed_1.json"));
    assertThat(split.file()).contains(file);
    byte[] bytes = Files.readAllBytes(file);
    assertThat(split.identity()).isEqualTo(CanonicalJson.sha256(bytes)).isEqualTo(IDENTITY);
    assertThat(split.sourceHash()).isEqualTo(full.sourceHash()).isEqualTo(SOURCE_HASH);
    assertThat(split.shots()).isEqualTo(2);
    assertThat(split.seed()).isEqualTo(1);
    assertThat(split.splits().train()).hasSize(6);
    assertThat(split.splits().val()).hasSize(6);
    assertThat(split.splits().test()).isEqualTo(full.test());
    String text = new String(bytes, StandardCharsets.US_ASCII);
    assertThat(text).startsWith("{\n  \"format\": \"ckcoop-fewshot-split/1\",\n  \"dataset\": \"OxfordPets\",\n"
        + "  \"shots\": 2,\n  \"seed\": 1,\n  \"sampler\": \"dassl-fewshot/1 cpython-random short_classes=keep_all\",\n"
        + "  \"source_sha256\": \"" + SOURCE_HASH + "\",\n");
    assertThat(text).contains("  \"classnames\": [\"abyssinian\", \"beagle\", \"great_pyrenees\"],\n  \"train\": [\n    [\"c0/")
        .endsWith("]\n  ]\n}\n");
    JsonNode json = FabricatedData.JSON.readTree(bytes);
    assertThat(json.get("train")).hasSize(6);
    assertThat(json.get("train").get(0).get(1).asInt()).isZero();
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file); // no temporary files left
    }
  }

  @Test
  void theSameContentHashesTheSameWhereverTheDatasetLies(@TempDir Path elsewhere) {
    DatasetSplits copy = read(elsewhere);
    assertThat(copy.sourceHash()).isEqualTo(full.sourceHash());
    FewShotSplit a = split();
    FewShotSplit b = SplitStore.beside(copy).fewShot(copy, 2, 1, FewShotSampler.dassl());
    assertThat(b.identity()).isEqualTo(a.identity());
  }

  @Test
  void anExistingFileIsReusedNotRewritten() throws Exception {
    FewShotSplit first = split();
    FileTime old = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(file, old);
    FewShotSplit again = new SplitStore(store.dir()).fewShot(read(data), 2, 1, FewShotSampler.dassl());
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(old);
    assertThat(again.identity()).isEqualTo(first.identity());
    assertThat(again.splits().train()).isEqualTo(first.splits().train());
    assertThat(again.splits().val()).isEqualTo(first.splits().val());
    assertThat(again.file()).contains(file);
  }

  @Test
  void otherSeedsShotsAndPoliciesGetTheirOwnFiles() {
    FewShotSplit one = split();
    FewShotSplit two = store.fewShot(full, 2, 2, FewShotSampler.dassl());
    FewShotSplit four = store.fewShot(full, 4, 1, FewShotSampler.dassl());
    FewShotSplit repeat = store.fewShot(full, 4, 1, new FewShotSampler(ShortClassPolicy.REPEAT));
    assertThat(List.of(one.identity(), two.identity(), four.identity(), repeat.identity())).doesNotHaveDuplicates();
    assertThat(repeat.file()).contains(store.dir().resolve("OxfordPets/shot_4-seed_1-repeat.json"));
    assertThat(four.splits().val()).hasSize(9); // min(4, 4) wanted, 3 per class exist
    assertThat(repeat.splits().val()).hasSize(12);
  }

  @Test
  void allShotsWriteNothingAndUseTheSourceHash() {
    FewShotSplit all = store.fewShot(full, 0, 1, FewShotSampler.dassl());
    assertThat(all.identity()).isEqualTo(full.sourceHash());
    assertThat(all.file()).isEmpty();
    assertThat(all.splits()).isSameAs(full);
    assertThat(Files.exists(store.dir())).isFalse();
  }

  @Test
  void anEditedEntryIsDetected() throws Exception {
    split();
    String text = Files.readString(file);
    String first = text.substring(text.indexOf("[\"c0/") + 2, text.indexOf("\"", text.indexOf("[\"c0/") + 2));
    String other = first.equals("c0/train_0.jpg") ? "c0/train_1.jpg" : "c0/train_0.jpg";
    Files.writeString(file, text.replaceFirst(first, other));
    assertThatThrownBy(this::split).isInstanceOf(DatasetException.class)
        .hasMessageStartingWith(file + ": is corrupt or was edited: its entries hash to ")
        .hasMessageEndingWith("; move it away (or delete it) to sample the split again, or restore it");
  }

  @Test
  void anEditWithARecomputedEntriesHashIsStillDetected() throws Exception {
    FewShotSplit honest = split();
    Datum unused = full.train().stream().filter(d -> d.label() == 0 && !honest.splits().train().contains(d))
        .findFirst().orElseThrow();
    // a forged file: canonical, self-consistent, made of real images, but not what seed 1 draws
    String text = Files.readString(file);
    String drawn = full.relativePath(honest.splits().train().get(0));
    String edited = text.replace("\"" + drawn + "\"", "\"" + full.relativePath(unused) + "\"");
    String entries = entriesText(FabricatedData.JSON.readTree(edited));
    edited = edited.replaceFirst("\"entries_sha256\": \"[0-9a-f]{64}\"",
        "\"entries_sha256\": \"" + CanonicalJson.sha256(entries.getBytes(StandardCharsets.US_ASCII)) + "\"");
    Files.writeString(file, edited);
    assertThatThrownBy(this::split).isInstanceOf(DatasetException.class)
        .hasMessageStartingWith(file + " entry train[0]: differs from the split that dassl-fewshot/1 cpython-random "
            + "short_classes=keep_all draws for seed 1");
  }

  /** The entries text as Python's json.dumps({"classnames": c, "train": t, "val": v}) writes it. */
  private static String entriesText(JsonNode node) {
    StringBuilder sb = new StringBuilder("{\"classnames\": ");
    List<String> names = new ArrayList<>();
    node.get("classnames").forEach(n -> names.add(n.asText()));
    CanonicalJson.strings(sb, names);
    for (String key : List.of("train", "val")) {
      sb.append(", \"").append(key).append("\": [");
      for (int i = 0; i < node.get(key).size(); i++) {
        JsonNode e = node.get(key).get(i);
        CanonicalJson.entry(sb.append(i > 0 ? ", " : ""), e.get(0).asText(), e.get(1).asInt(), e.get(2).asText(),
            Optional.empty());
      }
      sb.append(']');
    }
    return sb.append('}').toString();
  }

  @Test
  void aReformattedFileIsDetected() throws Exception {
    split();
    JsonNode node = FabricatedData.JSON.readTree(file.toFile());
    FabricatedData.json(file, node);
    assertThatThrownBy(this::split).isInstanceOf(DatasetException.class)
        .hasMessageStartingWith(file + ": is not in the canonical layout ckcoop writes (was it reformatted?)");
  }

  @Test
  void aTruncatedFileIsCorrupt() throws Exception {
    split();
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(this::split).isInstanceOf(InputException.class)
        .hasMessageStartingWith(file + ": is corrupt: is not valid JSON at line ");
  }

  @Test
  void aFileOfAnotherSeedUnderThisName() throws Exception {
    split();
    Path seed2 = store.file("OxfordPets", 2, 2, FewShotSampler.dassl());
    Files.copy(file, seed2);
    assertThatThrownBy(() -> store.fewShot(full, 2, 2, FewShotSampler.dassl())).isInstanceOf(DatasetException.class)
        .hasMessageStartingWith(seed2 + ": was written for another split (seed is '1', this run has '2')");
  }

  @Test
  void aChangedSourceSplitIsDetected() throws Exception {
    split();
    Path splitFile = data.resolve("oxford_pets/split_zhou_OxfordPets.json");
    JsonNode node = FabricatedData.JSON.readTree(splitFile.toFile());
    ((ArrayNode) node.get("test")).remove(0);
    FabricatedData.json(splitFile, node);
    DatasetSplits changed = read(data);
    assertThat(changed.sourceHash()).isNotEqualTo(full.sourceHash());
    assertThatThrownBy(() -> store.fewShot(changed, 2, 1, FewShotSampler.dassl())).isInstanceOf(DatasetException.class)
        .hasMessageStartingWith(file + ": was sampled from a different source split of OxfordPets (source_sha256 "
            + full.sourceHash() + ", but the dataset now hashes to " + changed.sourceHash() + ")");
  }

  @Test
  void concurrentRunsAgreeOnOneFile() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<FewShotSplit>> futures = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        futures.add(pool.submit(() -> new SplitStore(store.dir()).fewShot(read(data), 8, 5, FewShotSampler.dassl())));
      }
      String identity = futures.get(0).get().identity();
      for (Future<FewShotSplit> f : futures) {
        assertThat(f.get().identity()).isEqualTo(identity);
      }
      try (Stream<Path> files = Files.list(store.dir().resolve("OxfordPets"))) {
        assertThat(files).containsExactly(store.file("OxfordPets", 8, 5, FewShotSampler.dassl()));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void baseAndNewComeFromTheSampledSplit() {
    FewShotSplit split = split();
    DatasetSplits base = split.subsample(Subsample.BASE);
    DatasetSplits fresh = split.subsample(Subsample.NEW);
    assertThat(base.classNames()).containsExactly("abyssinian", "beagle");
    assertThat(fresh.classNames()).containsExactly("great_pyrenees");
    assertThat(base.train()).hasSize(4);
    assertThat(fresh.test()).extracting(Datum::label).containsOnly(0);
    assertThat(fresh.test()).hasSize(2);
  }
}
