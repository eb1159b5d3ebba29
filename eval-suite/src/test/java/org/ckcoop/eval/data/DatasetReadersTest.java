package org.ckcoop.eval.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ckcoop.eval.data.FabricatedData.classes;
import static org.ckcoop.eval.data.FabricatedData.entry;
import static org.ckcoop.eval.data.FabricatedData.image;
import static org.ckcoop.eval.data.FabricatedData.json;
import static org.ckcoop.eval.data.FabricatedData.text;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ckcoop.common.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every reader on a fabricated dataset in its layout. */
class DatasetReadersTest {
  @TempDir Path data;
  final DatasetRegistry registry = DatasetRegistry.builtIn();

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "Caltech101          | caltech-101    | 101_ObjectCategories | a photo of a {}.",
      "OxfordPets          | oxford_pets    | images               | a photo of a {}, a type of pet.",
      "StanfordCars        | stanford_cars  | ''                   | a photo of a {}.",
      "OxfordFlowers       | oxford_flowers | jpg                  | a photo of a {}, a type of flower.",
      "Food101             | food-101       | images               | a photo of {}, a type of food.",
      "SUN397              | sun397         | SUN397               | a photo of a {}.",
      "DescribableTextures | dtd            | images               | {} texture.",
      "EuroSAT             | eurosat        | 2750                 | a centered satellite photo of {}.",
      "UCF101              | ucf101         | UCF-101-midframes    | a photo of a person doing {}."})
  void readsEachSplitZhouDataset(String name, String folder, String imageDir, String template) {
    Path home = data.resolve(folder);
    Path imageRoot = imageDir.isEmpty() ? home : home.resolve(imageDir);
    List<String> names = List.of("apple pie", "banded", "yo_yo");
    FabricatedData.splitDataset(imageRoot, home.resolve("split_zhou_" + name + ".json"), names, 4, 2, 3);

    DatasetReader reader = registry.reader(name);
    DatasetSplits splits = reader.read(DatasetLocation.of(data));

    assertThat(splits.name()).isEqualTo(name);
    assertThat(splits.classNames()).containsExactlyElementsOf(names);
    assertThat(splits.train()).hasSize(12);
    assertThat(splits.val()).hasSize(6);
    assertThat(splits.test()).hasSize(9);
    assertThat(splits.imageRoot()).isEqualTo(imageRoot);
    assertThat(splits.home()).isEqualTo(home);
    assertThat(splits.train().get(0)).isEqualTo(Datum.of(imageRoot.resolve("c0/train_0.jpg"), 0, "apple pie"));
    assertThat(splits.test().get(8).label()).isEqualTo(2);
    assertThat(splits.relativePath(splits.test().get(8))).isEqualTo("c2/test_2.jpg");
    assertThat(reader.template().text()).isEqualTo(template);
    assertThat(splits.template()).isEqualTo(reader.template());
    assertThat(splits.prompts().get(2)).isEqualTo(template.replace("{}", "yo yo"));
    assertThat(reader.testOnly()).isFalse();
  }

  @Test
  void splitFileNamesAreCleanedOnlyWhereCoopWouldHaveCleanedThem() {
    Path home = data.resolve("caltech-101");
    FabricatedData.splitDataset(home.resolve("101_ObjectCategories"), home.resolve("split_zhou_Caltech101.json"),
        List.of("airplanes", "face", "accordion"), 2, 1, 1);
    DatasetSplits splits = registry.reader("caltech-101").read(DatasetLocation.of(data));
    assertThat(splits.classNames()).containsExactly("airplane", "face", "accordion");
    assertThat(splits.train().get(0).className()).isEqualTo("airplane");
  }

  @Test
  void imageNetUsesSortedWnidFoldersClassnamesFileAndValAsTest() {
    Path home = data.resolve("imagenet");
    text(home.resolve("classnames.txt"), "n01440764 tench", "n01443537 goldfish", "n01484850 great white shark");
    for (String wnid : List.of("n01484850", "n01440764", "n01443537")) {
      for (int i = 0; i < 3; i++) {
        image(home.resolve("images/train/" + wnid + "/" + wnid + "_" + (2 - i) + ".JPEG"));
      }
      image(home.resolve("images/val/" + wnid + "/ILSVRC2012_val_" + wnid + ".JPEG"));
    }
    text(home.resolve("images/train/n01440764/.DS_Store"), "x");
    text(home.resolve("images/train/n01440764/notes.txt"), "not an image");

    DatasetSplits splits = registry.reader("ImageNet").read(DatasetLocation.of(data));

    assertThat(splits.classNames()).containsExactly("tench", "goldfish", "great white shark");
    assertThat(splits.train()).hasSize(9);
    assertThat(splits.val()).isEmpty();
    assertThat(splits.test()).hasSize(3);
    assertThat(splits.imageRoot()).isEqualTo(home.resolve("images"));
    assertThat(splits.relativePath(splits.train().get(0))).isEqualTo("train/n01440764/n01440764_0.JPEG");
    assertThat(splits.train().get(8).label()).isEqualTo(2);
    assertThat(splits.test().get(1)).isEqualTo(
        Datum.of(home.resolve("images/val/n01443537/ILSVRC2012_val_n01443537.JPEG"), 1, "goldfish"));
    assertThat(splits.template()).isEqualTo(ZeroShotTemplate.PHOTO);
  }

  @Test
  void imageNetVariantsAreTestOnlyWithTheirClassSubsets() {
    String[] names = {"n01 tench", "n02 goldfish", "n03 great white shark", "n04 tiger shark", "n05 hammerhead"};
    // ImageNetV2: numbered folders, classnames.txt order
    Path v2 = data.resolve("imagenetv2");
    text(v2.resolve("classnames.txt"), names);
    for (int label = 0; label < 5; label++) {
      image(v2.resolve("imagenetv2-matched-frequency-format-val/" + label + "/img" + label + ".jpeg"));
    }
    DatasetSplits v2Splits = registry.reader("ImageNetV2").read(DatasetLocation.of(data));
    assertThat(v2Splits.classNames()).containsExactly("tench", "goldfish", "great white shark", "tiger shark", "hammerhead");
    assertThat(v2Splits.test()).extracting(Datum::label).containsExactly(0, 1, 2, 3, 4);
    assertThat(v2Splits.train()).isEmpty();

    // ImageNet-A: a subset of the wnids, labels = index of the sorted folder, README.txt ignored
    Path a = data.resolve("imagenet-adversarial");
    text(a.resolve("classnames.txt"), names);
    image(a.resolve("imagenet-a/n04/x.jpg"));
    image(a.resolve("imagenet-a/n02/y.jpg"));
    image(a.resolve("imagenet-a/n02/z.jpg"));
    text(a.resolve("imagenet-a/README.txt"), "readme");
    DatasetSplits aSplits = registry.reader("imagenet-a").read(DatasetLocation.of(data));
    assertThat(aSplits.name()).isEqualTo("ImageNetA");
    assertThat(aSplits.classNames()).containsExactly("goldfish", "tiger shark");
    assertThat(aSplits.test()).extracting(Datum::label).containsExactly(0, 0, 1);
    assertThat(registry.reader("ImageNetA").testOnly()).isTrue();

    // ImageNet-R and -Sketch fall back to imagenet/classnames.txt when they have none
    text(data.resolve("imagenet/classnames.txt"), names);
    image(data.resolve("imagenet-rendition/imagenet-r/n05/r.png"));
    image(data.resolve("imagenet-rendition/imagenet-r/n01/r.png"));
    assertThat(registry.reader("ImageNetR").read(DatasetLocation.of(data)).classNames())
        .containsExactly("tench", "hammerhead");
    image(data.resolve("imagenet-sketch/images/n03/s.jpg"));
    DatasetSplits sketch = registry.reader("ImageNetSketch").read(DatasetLocation.of(data));
    assertThat(sketch.classNames()).containsExactly("great white shark");
    assertThat(sketch.template().prompt(sketch.classNames().get(0))).isEqualTo("a photo of a great white shark.");
  }

  @Test
  void fgvcAircraftReadsTheOfficialVariantFiles() {
    Path home = data.resolve("fgvc_aircraft");
    text(home.resolve("variants.txt"), "707-320", "A300B4", "F/A-18");
    text(home.resolve("images_variant_train.txt"), "0001 A300B4", "0002 707-320", "0003 F/A-18", "0004 A300B4");
    text(home.resolve("images_variant_val.txt"), "0005 F/A-18");
    text(home.resolve("images_variant_test.txt"), "0006 707-320", "0007 A300B4");
    for (int i = 1; i <= 7; i++) {
      image(home.resolve("images/000" + i + ".jpg"));
    }
    DatasetSplits splits = registry.reader("FGVCAircraft").read(DatasetLocation.of(data));
    assertThat(splits.classNames()).containsExactly("707-320", "A300B4", "F/A-18");
    assertThat(splits.train()).extracting(Datum::label).containsExactly(1, 0, 2, 1);
    assertThat(splits.val()).extracting(Datum::className).containsExactly("F/A-18");
    assertThat(splits.test()).hasSize(2);
    assertThat(splits.relativePath(splits.train().get(0))).isEqualTo("0001.jpg");
    assertThat(splits.prompts()).first().isEqualTo("a photo of a 707-320, a type of aircraft.");
  }

  @Test
  void imageFolderDatasetReadsClassFoldersAsTestOrTrainValTest() {
    Path plain = data.resolve("my_birds");
    image(plain.resolve("sparrow/1.png"));
    image(plain.resolve("blue_jay/1.png"));
    image(plain.resolve("blue_jay/2.jpg"));
    DatasetSplits test = registry.reader("image-folder").read(DatasetLocation.of(plain));
    assertThat(test.name()).isEqualTo("my_birds");
    assertThat(test.classNames()).containsExactly("blue_jay", "sparrow");
    assertThat(test.test()).extracting(Datum::label).containsExactly(0, 0, 1);
    assertThat(test.train()).isEmpty();
    assertThat(test.prompts()).containsExactly("a photo of a blue jay.", "a photo of a sparrow.");

    Path split = data.resolve("shapes");
    for (String cls : List.of("circle", "square")) {
      image(split.resolve("train/" + cls + "/a.png"));
      image(split.resolve("train/" + cls + "/b.png"));
      image(split.resolve("test/" + cls + "/c.png"));
    }
    image(split.resolve("val/square/v.png"));
    DatasetSplits parts = registry.reader("folder").read(DatasetLocation.of(split));
    assertThat(parts.classNames()).containsExactly("circle", "square");
    assertThat(parts.train()).hasSize(4);
    assertThat(parts.val()).extracting(Datum::label).containsExactly(1);
    assertThat(parts.test()).hasSize(2);

    image(split.resolve("test/triangle/t.png"));
    assertThatThrownBy(() -> registry.reader("image-folder").read(DatasetLocation.of(split)))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith(split.resolve("test/triangle").toString())
        .hasMessageContaining("unknown class: 'triangle'");
  }

  @Test
  void splitFileDatasetReadsAnyFolderWithAJson() {
    Path root = data.resolve("xrays");
    image(root.resolve("a/1.png"));
    image(root.resolve("b/2.png"));
    image(root.resolve("b/3.png"));
    json(root.resolve("splits/mine.json"), Map.of(
        "train", List.of(entry("a/1.png", 0, "normal"), entry("b/2.png", 1, "pneumonia")),
        "test", List.of(entry("b/3.png", 1, "pneumonia"))));
    DatasetSplits splits = registry.reader("split-file")
        .read(DatasetLocation.of(root, Path.of("splits/mine.json")));
    assertThat(splits.name()).isEqualTo("xrays");
    assertThat(splits.classNames()).containsExactly("normal", "pneumonia");
    assertThat(splits.val()).isEmpty();
    assertThat(splits.test()).hasSize(1);

    assertThatThrownBy(() -> registry.reader("split-file").read(DatasetLocation.of(root)))
        .isInstanceOf(InputException.class).hasMessageStartingWith("dataset.split_file: ");
  }

  @Test
  void registryListsBuiltInsMatchesAliasesAndRejectsUnknownNames() {
    assertThat(registry.names()).containsExactlyElementsOf(DatasetRegistry.BUILT_IN_NAMES).hasSize(17);
    assertThat(registry.reader("dtd").name()).isEqualTo("DescribableTextures");
    assertThat(registry.reader("oxford_pets").name()).isEqualTo("OxfordPets");
    assertThat(registry.reader("IMAGENET-SKETCH").name()).isEqualTo("ImageNetSketch");
    assertThat(registry.reader("imagenet_r").name()).isEqualTo("ImageNetR");
    assertThat(DatasetRegistry.discover().names()).containsAll(DatasetRegistry.BUILT_IN_NAMES);
    assertThat(registry.readers()).allSatisfy(r -> assertThat(r.description()).isNotBlank());
    assertThatThrownBy(() -> registry.reader("oxfordpetz"))
        .isInstanceOf(DatasetException.class)
        .hasMessageStartingWith("dataset.name: unknown dataset 'oxfordpetz' (known: ImageNet, Caltech101, OxfordPets");
  }

  @Test
  void registryRejectsTwoReadersClaimingOneName() {
    DatasetReader clash = new DatasetReader() {
      @Override
      public String name() {
        return "Oxford-Pets";
      }

      @Override
      public String description() {
        return "a clash";
      }

      @Override
      public ZeroShotTemplate template() {
        return ZeroShotTemplate.PHOTO;
      }

      @Override
      public DatasetSplits read(DatasetLocation location) {
        throw new UnsupportedOperationException();
      }
    };
    List<DatasetReader> readers = new ArrayList<>(DatasetRegistry.builtIn().readers());
    readers.add(clash);
    assertThatThrownBy(() -> DatasetRegistry.of(readers))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("'Oxford-Pets' is claimed by both");
  }

  @Test
  void classNameCleaningsDoWhatCoopDoesAndAreIdempotent() {
    Map<ClassNameCleaning, Map<String, String>> cases = Map.of(
        ClassNameCleaning.CALTECH101, Map.of("airplanes", "airplane", "Faces", "face", "accordion", "accordion"),
        ClassNameCleaning.EUROSAT, Map.of("AnnualCrop", "Annual Crop Land", "SeaLake", "Sea or Lake", "River", "River"),
        ClassNameCleaning.OXFORD_PETS, Map.of("Abyssinian", "abyssinian", "american_bulldog", "american_bulldog"),
        ClassNameCleaning.STANFORD_CARS, Map.of("Tesla Model S Sedan 2012", "2012 Tesla Model S Sedan",
            "2012 Tesla Model S Sedan", "2012 Tesla Model S Sedan"),
        ClassNameCleaning.SUN397, Map.of("/b/bakery/shop", "shop bakery", "a/abbey", "abbey", "shop bakery", "shop bakery"),
        ClassNameCleaning.UCF101, Map.of("ApplyEyeMakeup", "Apply_Eye_Makeup", "YoYo", "Yo_Yo", "Archery", "Archery",
            "Apply_Eye_Makeup", "Apply_Eye_Makeup"));
    cases.forEach((cleaning, map) -> map.forEach((raw, clean) -> {
      assertThat(cleaning.clean(raw)).as(raw).isEqualTo(clean);
      assertThat(cleaning.clean(clean)).as("idempotent on " + clean).isEqualTo(clean);
    }));
    assertThat(ClassNameCleaning.NONE.clean("apple_pie")).isEqualTo("apple_pie");
  }

  @Test
  void templatesNeedExactlyOnePlaceholder() {
    assertThat(new ZeroShotTemplate("{} texture.").prompt("banded_x")).isEqualTo("banded x texture.");
    assertThatThrownBy(() -> new ZeroShotTemplate("a photo")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ZeroShotTemplate("{} and {}")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readersNameTheMissingDatasetFolder() {
    assertThatThrownBy(() -> registry.reader("EuroSAT").read(DatasetLocation.of(data)))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith(data.resolve("eurosat") + ": no such folder")
        .hasMessageContaining("split_zhou_EuroSAT.json");
    assertThatThrownBy(() -> registry.reader("ImageNet").read(DatasetLocation.of(data)))
        .isInstanceOf(InputException.class).hasMessageStartingWith(data.resolve("imagenet") + ": no such folder");
    assertThat(classes(2)).containsExactly("class_0", "class_1");
  }
}
