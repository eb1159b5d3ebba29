package org.ckcoop.eval.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ckcoop.eval.data.FabricatedData.image;
import static org.ckcoop.eval.data.FabricatedData.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CoOp's few-shot cache ({@code split_fewshot/shot_<K>-seed_<S>.pkl}) on fabricated ImageNet and
 * OxfordPets trees, with pickles written by CPython's {@code pickle}
 * ({@code tools/reference/make_dassl_fewshot_pickle.py}, which describes the same trees).
 */
class DasslFewShotCacheTest {
  private static final String TENCH = "n01440764";
  private static final String GOLDFISH = "n01443537";
  private static final String SHARK = "n01484850";
  /** The 2-shot cache's items, in its order: per class, not the sorted order (10026, 10027, 9981). */
  private static final List<String> CACHED_TWO_SHOT = List.of(
      "train/n01440764/n01440764_9981.JPEG", "train/n01440764/n01440764_10026.JPEG",
      "train/n01443537/n01443537_10027.JPEG", "train/n01443537/n01443537_10026.JPEG",
      "train/n01484850/n01484850_9981.JPEG", "train/n01484850/n01484850_10027.JPEG");
  private static final List<String> SORTED_ALL = List.of(
      "train/n01440764/n01440764_10026.JPEG", "train/n01440764/n01440764_10027.JPEG",
      "train/n01440764/n01440764_9981.JPEG",
      "train/n01443537/n01443537_10026.JPEG", "train/n01443537/n01443537_10027.JPEG",
      "train/n01443537/n01443537_9981.JPEG",
      "train/n01484850/n01484850_10026.JPEG", "train/n01484850/n01484850_10027.JPEG",
      "train/n01484850/n01484850_9981.JPEG");

  @TempDir Path data;

  private DatasetSplits imageNet() {
    Path home = data.resolve("imagenet");
    if (!Files.exists(home)) {
      text(home.resolve("classnames.txt"), TENCH + " tench", GOLDFISH + " goldfish", SHARK + " great white shark");
      for (String wnid : List.of(TENCH, GOLDFISH, SHARK)) {
        for (String n : List.of("9981", "10027", "10026")) {
          image(home.resolve("images/train/" + wnid + "/" + wnid + "_" + n + ".JPEG"));
        }
        image(home.resolve("images/val/" + wnid + "/ILSVRC2012_val_" + wnid + ".JPEG"));
      }
    }
    return DatasetRegistry.builtIn().reader("ImageNet").read(DatasetLocation.of(data));
  }

  private DatasetSplits oxfordPets() {
    Path home = data.resolve("oxford_pets");
    if (!Files.exists(home)) {
      FabricatedData.splitDataset(home.resolve("images"), home.resolve("split_zhou_OxfordPets.json"),
          List.of("abyssinian", "beagle", "great_pyrenees"), 5, 3, 2);
    }
    return DatasetRegistry.builtIn().reader("OxfordPets").read(DatasetLocation.of(data));
  }

  /** Copies a committed pickle into the dataset's {@code split_fewshot/} as CoOp's cache for (shots, seed). */
  private static Path cache(DatasetSplits full, String resource, int shots, long seed) {
    Path file = DasslFewShotCache.file(full, shots, seed);
    try (InputStream in = DasslFewShotCacheTest.class.getResourceAsStream("dassl-pickles/" + resource)) {
      assertThat(in).as(resource).isNotNull();
      Files.createDirectories(file.getParent());
      Files.write(file, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  private static FewShotSplit split(DatasetSplits full, int shots) {
    return SplitStore.beside(full).fewShot(full, shots, 1, FewShotSampler.dassl());
  }

  private static List<String> paths(DatasetSplits splits, List<Datum> data) {
    return data.stream().map(splits::relativePath).toList();
  }

  private static String sha256(Path file) throws IOException {
    return CanonicalJson.sha256(Files.readAllBytes(file));
  }

  @Test
  void imageNetTrainsOnTheCachedItemsInTheCachesOrder() throws IOException {
    DatasetSplits full = imageNet();
    assertThat(full.coopFewShotCache()).isTrue();
    Path pickle = cache(full, "imagenet/shot_2-seed_1.pkl", 2, 1);

    FewShotSplit split = split(full, 2);

    assertThat(paths(full, split.splits().train())).containsExactlyElementsOf(CACHED_TWO_SHOT);
    assertThat(split.splits().train()).extracting(Datum::label).containsExactly(0, 0, 1, 1, 2, 2);
    assertThat(split.splits().train()).extracting(Datum::className)
        .containsExactly("tench", "tench", "goldfish", "goldfish", "great white shark", "great white shark");
    assertThat(split.splits().train().get(0).image())
        .isEqualTo(data.resolve("imagenet/images/train/n01440764/n01440764_9981.JPEG"));
    assertThat(split.splits().val()).isEmpty();
    assertThat(split.splits().test()).isEqualTo(full.test());
    assertThat(split.file()).contains(pickle);
    assertThat(split.source().kind()).isEqualTo(FewShotSource.Kind.DASSL_CACHE);
    assertThat(split.source().file()).contains(pickle);
    assertThat(split.source().sha256()).isEqualTo(sha256(pickle)).hasSize(64);
    assertThat(split.source().sameAsSampler()).isFalse();
    assertThat(split.source().toMap()).containsEntry("kind", "dassl-cache").containsEntry("file", pickle.toString())
        .containsEntry("sha256", sha256(pickle)).containsEntry("same_as_sampler", "false");
    // nothing of ckcoop's own is written while the cache is used
    assertThat(data.resolve("imagenet").resolve(SplitStore.DEFAULT_FOLDER)).doesNotExist();

    // the sampler draws other images (from the sorted lists), so the identity differs
    Files.delete(pickle);
    FewShotSplit sampled = split(full, 2);
    assertThat(sampled.source().kind()).isEqualTo(FewShotSource.Kind.SAMPLER);
    assertThat(paths(full, sampled.splits().train())).isNotEqualTo(CACHED_TWO_SHOT);
    assertThat(sampled.identity()).isNotEqualTo(split.identity());
  }

  @Test
  void aProtocol2CacheGivesTheSameItemsAndIdentity() {
    DatasetSplits full = imageNet();
    cache(full, "imagenet/shot_2-seed_1.pkl", 2, 1);
    FewShotSplit highest = split(full, 2);
    Path pickle = cache(full, "imagenet/shot_2-seed_1.protocol2.pkl", 2, 1);

    FewShotSplit protocol2 = split(full, 2);

    assertThat(paths(full, protocol2.splits().train())).containsExactlyElementsOf(CACHED_TWO_SHOT);
    assertThat(protocol2.identity()).isEqualTo(highest.identity());
    assertThat(protocol2.source().sha256()).isNotEqualTo(highest.source().sha256());
    assertThat(protocol2.source().file()).contains(pickle);
  }

  @Test
  void aDatumCalledWithInitsPositionalArgumentsIsRead() {
    DatasetSplits full = imageNet();
    cache(full, "imagenet/reduce-protocol0.pkl", 1, 1);

    FewShotSplit split = split(full, 1);

    assertThat(paths(full, split.splits().train())).containsExactly("train/n01440764/n01440764_9981.JPEG");
    assertThat(split.splits().train()).extracting(Datum::label).containsExactly(0);
    assertThat(split.source().kind()).isEqualTo(FewShotSource.Kind.DASSL_CACHE);
  }

  @Test
  void withoutACacheImageNetKeepsTheSortedOrder() {
    DatasetSplits full = imageNet();
    assertThat(paths(full, full.train())).containsExactlyElementsOf(SORTED_ALL);

    FewShotSplit split = split(full, 16);

    assertThat(paths(full, split.splits().train())).containsExactlyElementsOf(SORTED_ALL);
    assertThat(split.source().kind()).isEqualTo(FewShotSource.Kind.SAMPLER);
    Path json = SplitStore.beside(full).file("ImageNet", 16, 1, FewShotSampler.dassl());
    assertThat(split.file()).contains(json);
    assertThat(split.source().file()).contains(json);
    assertThat(split.source().sha256()).isEqualTo(split.identity());
    assertThat(split.source().sameAsSampler()).isTrue();
  }

  @Test
  void aCacheHoldingWhatTheSamplerDrawsHasTheSamplersIdentity() {
    DatasetSplits full = imageNet();
    FewShotSplit sampled = split(full, 16);
    cache(full, "imagenet/shot_16-seed_1.pkl", 16, 1);

    FewShotSplit cached = split(full, 16);

    assertThat(cached.source().kind()).isEqualTo(FewShotSource.Kind.DASSL_CACHE);
    assertThat(cached.source().sameAsSampler()).isTrue();
    assertThat(cached.splits().train()).isEqualTo(sampled.splits().train());
    assertThat(cached.identity()).isEqualTo(sampled.identity());
  }

  @Test
  void splitFileDatasetsReadTheirCacheWithItsValPart() {
    DatasetSplits full = oxfordPets();
    assertThat(full.coopFewShotCache()).isTrue();
    FewShotSplit sampled16 = split(full, 16);
    FewShotSplit sampled2 = split(full, 2);
    cache(full, "oxford_pets/shot_16-seed_1.pkl", 16, 1);
    cache(full, "oxford_pets/shot_2-seed_1.pkl", 2, 1);

    FewShotSplit cached16 = split(full, 16);
    FewShotSplit cached2 = split(full, 2);

    // every class is smaller than the shots: Dassl and ckcoop both keep the lists as they are
    assertThat(cached16.splits().train()).isEqualTo(full.train()).isEqualTo(sampled16.splits().train());
    assertThat(cached16.splits().val()).isEqualTo(full.val()).isEqualTo(sampled16.splits().val());
    assertThat(cached16.identity()).isEqualTo(sampled16.identity());
    assertThat(cached16.source().sameAsSampler()).isTrue();
    // a cache chosen by hand: its items, train and val, in its order
    assertThat(paths(full, cached2.splits().train())).containsExactly("c0/train_4.jpg", "c0/train_0.jpg",
        "c1/train_1.jpg", "c1/train_3.jpg", "c2/train_2.jpg", "c2/train_0.jpg");
    assertThat(paths(full, cached2.splits().val())).containsExactly("c0/val_2.jpg", "c0/val_0.jpg", "c1/val_1.jpg",
        "c1/val_2.jpg", "c2/val_0.jpg", "c2/val_1.jpg");
    assertThat(cached2.splits().train()).extracting(Datum::className).containsExactly("abyssinian", "abyssinian",
        "beagle", "beagle", "great_pyrenees", "great_pyrenees");
    assertThat(cached2.source().sameAsSampler()).isFalse();
    assertThat(cached2.identity()).isNotEqualTo(sampled2.identity()).isNotEqualTo(SplitStoreTest.IDENTITY);
    assertThat(sampled2.identity()).isEqualTo(SplitStoreTest.IDENTITY);
  }

  @Test
  void aSplitFileDatasetsCacheWithoutValIsAnError() {
    DatasetSplits full = oxfordPets();
    Path pickle = cache(full, "oxford_pets/no-val.pkl", 2, 1);

    assertThatThrownBy(() -> split(full, 2)).isInstanceOf(DatasetException.class)
        .hasMessage(pickle + ": is not a CoOp few-shot cache of OxfordPets: its dict has the keys [train], expected "
            + "[train, val] (a dict {\"train\": [Datum, ...], \"val\": [Datum, ...]} as CoOp's OxfordPets reader writes)");
  }

  @Test
  void anImageMissingFromTheTreeIsAnErrorNamingPickleAndItem() {
    DatasetSplits full = imageNet();
    Path pickle = cache(full, "imagenet/missing-image.pkl", 2, 1);

    assertThatThrownBy(() -> split(full, 2)).isInstanceOf(DatasetException.class)
        .hasMessage(pickle + " item train[3] ('/home/someone/data/imagenet/images/train/n01443537/n01443537_77777.JPEG')"
            + ": names an image that is not under the dataset root: no file "
            + data.resolve("imagenet/images/train/n01443537/n01443537_77777.JPEG")
            + " (the cache was written for other data, or images are missing here)");
  }

  @Test
  void aLabelThatIsNotTheClassFoldersIsAnError() {
    DatasetSplits full = imageNet();
    Path pickle = cache(full, "imagenet/label-mismatch.pkl", 2, 1);

    assertThatThrownBy(() -> split(full, 2)).isInstanceOf(DatasetException.class)
        .hasMessage(pickle + " item train[4] ('/home/someone/data/imagenet/images/train/n01484850/n01484850_9981.JPEG')"
            + ": has label 0 ('great white shark'), but " + data.resolve("imagenet/images/train/n01484850/n01484850_9981.JPEG")
            + " has label 2 ('great white shark') in ImageNet's class list; the cache was written for another class list");
  }

  @Test
  void aPickleOfAnotherStructureIsAnError() {
    DatasetSplits full = imageNet();
    Path list = cache(full, "imagenet/not-a-dict.pkl", 2, 1);
    assertThatThrownBy(() -> split(full, 2)).isInstanceOf(DatasetException.class)
        .hasMessage(list + ": is not a CoOp few-shot cache: it holds a list, expected a dict {\"train\": [Datum, ...]} "
            + "as CoOp's ImageNet reader writes");

    Path noTrain = cache(full, "imagenet/no-train.pkl", 2, 1);
    assertThatThrownBy(() -> split(full, 2)).isInstanceOf(DatasetException.class)
        .hasMessage(noTrain + ": is not a CoOp few-shot cache of ImageNet: its dict has the keys [test], expected "
            + "[train] (a dict {\"train\": [Datum, ...]} as CoOp's ImageNet reader writes)");
  }

  @Test
  void itemsThatAreNotDatumsOrNotInTheImageFolderAreErrors() {
    DatasetSplits full = imageNet();
    Path paths = cache(full, "imagenet/paths-not-datums.pkl", 2, 1);
    assertThatThrownBy(() -> split(full, 2)).isInstanceOf(DatasetException.class)
        .hasMessage(paths + " item train[0]: is a str, expected a dassl.data.datasets.base_dataset.Datum");

    Path outside = cache(full, "imagenet/outside-image-folder.pkl", 2, 1);
    assertThatThrownBy(() -> split(full, 2)).isInstanceOf(DatasetException.class)
        .hasMessage(outside + " item train[1] ('/home/someone/data/imagenet/train/n01440764/n01440764_10026.JPEG'): "
            + "is not under 'imagenet/images/'; CoOp writes <DATA>/imagenet/images/<path in the image folder>, "
            + "which is mapped onto " + data.resolve("imagenet/images"));
  }

  @Test
  void aFileThatIsNotAPickleIsAnError() throws IOException {
    DatasetSplits full = imageNet();
    Path file = DasslFewShotCache.file(full, 2, 1);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{\"train\": []}");

    assertThatThrownBy(() -> split(full, 2)).isInstanceOf(DatasetException.class)
        .hasMessageStartingWith(file + ": is not a readable pickle (")
        .hasMessageEndingWith("); expected a pickle of dicts, lists, str, int and "
            + "dassl.data.datasets.base_dataset.Datum objects as CoOp writes");
  }

  @Test
  void globalsOtherThanDasslsDatumAreRefusedAndNothingRuns() throws IOException {
    DatasetSplits full = imageNet();
    Path osMarker = Path.of("/tmp/ckcoop-pickle-payload-os-system");
    Path evalMarker = Path.of("/tmp/ckcoop-pickle-payload-eval");
    Files.deleteIfExists(osMarker);
    Files.deleteIfExists(evalMarker);
    String allowed = "which a CoOp few-shot cache never holds (it holds only dicts, lists, str, int and "
        + "dassl.data.datasets.base_dataset.Datum objects); nothing was loaded or executed";

    Path os = cache(full, "malicious/os-system.pkl", 2, 1);
    assertThatThrownBy(() -> split(full, 2)).isInstanceOf(DatasetException.class)
        .hasMessage(os + ": refused: the pickle names the Python global 'os.system', " + allowed);
    assertThat(osMarker).doesNotExist();

    Path eval = cache(full, "malicious/builtins-eval.pkl", 2, 1);
    assertThatThrownBy(() -> split(full, 2)).isInstanceOf(DatasetException.class)
        .hasMessage(eval + ": refused: the pickle names the Python global 'builtins.eval', " + allowed);
    assertThat(evalMarker).doesNotExist();

    Path build = cache(full, "malicious/build-on-dict.pkl", 2, 1);
    assertThatThrownBy(() -> split(full, 2)).isInstanceOf(DatasetException.class)
        .hasMessage(build + ": refused: it sets the state of a dict (BUILD); a CoOp cache sets only the attributes of "
            + "dassl.data.datasets.base_dataset.Datum objects");

    // a harmless class, which razorvine would turn into a ClassDict, is refused as well
    Path orderedDict = cache(full, "malicious/ordered-dict.pkl", 2, 1);
    assertThatThrownBy(() -> split(full, 2)).isInstanceOf(DatasetException.class)
        .hasMessage(orderedDict + ": refused: the pickle names the Python global 'collections.OrderedDict', " + allowed);
  }

  @Test
  void itemsAreMappedByThePathInsideTheImageFolder() {
    assertThat(DasslFewShotCache.anchor(imageNet())).isEqualTo("imagenet/images/");
    assertThat(DasslFewShotCache.anchor(oxfordPets())).isEqualTo("oxford_pets/images/");
    DatasetSplits pets = oxfordPets();
    DatasetSplits inHome = pets.toBuilder().imageRoot(pets.home()).home(pets.home()).build();
    assertThat(DasslFewShotCache.anchor(inHome)).isEqualTo("oxford_pets/");
  }

  @Test
  void datasetsWithoutACoopReaderIgnoreAPickleBeside() {
    DatasetSplits full = imageNet().toBuilder().coopFewShotCache(false).build();
    cache(full, "imagenet/shot_2-seed_1.pkl", 2, 1);

    FewShotSplit split = split(full, 2);

    assertThat(DasslFewShotCache.find(full, 2, 1)).isEqualTo(Optional.empty());
    assertThat(split.source().kind()).isEqualTo(FewShotSource.Kind.SAMPLER);
    assertThat(paths(full, split.splits().train())).isNotEqualTo(CACHED_TWO_SHOT);
  }
}
