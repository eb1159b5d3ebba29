package org.ckcoop.eval.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.ckcoop.eval.data.FabricatedData.entry;
import static org.ckcoop.eval.data.FabricatedData.image;
import static org.ckcoop.eval.data.FabricatedData.json;
import static org.ckcoop.eval.data.FabricatedData.text;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ckcoop.common.InputException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the readers reject before any training starts, and what their messages say. */
class DatasetValidationTest {
  @TempDir Path data;
  Path home;
  Path images;
  Path splitFile;
  Map<String, List<List<Object>>> split;
  final DatasetReader pets = DatasetRegistry.builtIn().reader("OxfordPets");

  @BeforeEach
  void setUp() {
    home = data.resolve("oxford_pets");
    images = home.resolve("images");
    splitFile = home.resolve("split_zhou_OxfordPets.json");
    split = FabricatedData.splitDataset(images, splitFile, List.of("abyssinian", "beagle", "pug"), 3, 1, 2);
  }

  private DatasetSplits read() {
    return pets.read(DatasetLocation.of(data));
  }

  private void rewrite(String part, int index, List<Object> entry) {
    Map<String, List<List<Object>>> copy = new java.util.LinkedHashMap<>();
    split.forEach((k, v) -> copy.put(k, new ArrayList<>(v)));
    copy.get(part).set(index, entry);
    json(splitFile, copy);
  }

  @Test
  void theFabricatedDatasetReads() {
    assertThat(read().train()).hasSize(9);
  }

  @Test
  void missingImagesAreCountedAndTheFirstFewNamedWithTheSplitFile() throws Exception {
    for (String path : List.of("c0/train_1.jpg", "c1/train_0.jpg", "c1/train_2.jpg", "c2/val_0.jpg", "c2/test_0.jpg",
        "c2/test_1.jpg", "c0/test_0.jpg")) {
      Files.delete(images.resolve(path));
    }
    MissingImagesException e = catchThrowableOfType(this::read, MissingImagesException.class);
    assertThat(e).isInstanceOf(InputException.class);
    assertThat(e.missing()).isEqualTo(7);
    assertThat(e.listed()).isEqualTo(18);
    assertThat(e.examples()).containsExactly("c0/train_1.jpg", "c1/train_0.jpg", "c1/train_2.jpg", "c2/val_0.jpg",
        "c0/test_0.jpg");
    assertThat(e.where()).isEqualTo(splitFile.toString());
    assertThat(e.getMessage()).isEqualTo(splitFile + ": 7 of 18 listed images are missing under " + images
        + ": c0/train_1.jpg, c1/train_0.jpg, c1/train_2.jpg, c2/val_0.jpg, c0/test_0.jpg, ...");
  }

  @Test
  void invalidJsonNamesTheLine() throws Exception {
    Files.writeString(splitFile, "{\n  \"train\": [\n    [\"c0/train_0.jpg\", 0, \"abyssinian\"\n  ]\n}\n");
    assertThatThrownBy(this::read).isInstanceOf(DatasetException.class)
        .hasMessageStartingWith(splitFile + ": is not valid JSON at line 5, column 1: Unexpected close marker '}'")
        .hasMessageNotContaining("REDACTED");
  }

  @Test
  void aMissingPartSaysWhatTheFileShouldHold() {
    json(splitFile, Map.of("train", split.get("train"), "test", split.get("test")));
    assertThatThrownBy(this::read).isInstanceOf(DatasetException.class)
        .hasMessage(splitFile + ": has no \"val\" list; expected a JSON object with \"train\", \"val\" and \"test\" "
            + "lists of [relative_image_path, label, class_name] entries");
    json(splitFile, List.of(1, 2));
    assertThatThrownBy(this::read).hasMessageContaining("expected a JSON object").hasMessageEndingWith("got a list");
  }

  @Test
  void malformedEntriesNameTheEntryAndTheExpectedForm() {
    rewrite("train", 4, List.of("c1/train_1.jpg", 1));
    assertThatThrownBy(this::read).isInstanceOf(DatasetException.class)
        .hasMessage(splitFile + " entry train[4]: expected [relative_image_path, label, class_name], got [\"c1/train_1.jpg\",1]");
    rewrite("val", 2, List.of("c2/val_0.jpg", "2", "pug"));
    assertThatThrownBy(this::read)
        .hasMessage(splitFile + " entry val[2]: the label (second element) must be an integer >= 0, got \"2\"; "
            + "expected [relative_image_path, label, class_name]");
    rewrite("test", 0, List.of("c0/test_0.jpg", -1, "abyssinian"));
    assertThatThrownBy(this::read).hasMessageStartingWith(splitFile + " entry test[0]: the label (second element)");
    rewrite("test", 1, List.of("../../escape.jpg", 0, "abyssinian"));
    assertThatThrownBy(this::read).hasMessageStartingWith(splitFile + " entry test[1]: image path '../../escape.jpg' leaves");
    rewrite("test", 1, List.of("/etc/passwd", 0, "abyssinian"));
    assertThatThrownBy(this::read).hasMessageStartingWith(splitFile + " entry test[1]: image path '/etc/passwd' is absolute");
  }

  @Test
  void aLabelWhoseClassNameDisagreesNamesBothEntries() {
    rewrite("test", 3, entry("c1/test_1.jpg", 1, "boxer"));
    assertThatThrownBy(this::read).isInstanceOf(DatasetException.class)
        .hasMessage(splitFile + " entry test[3]: label 1 is class 'boxer' here but 'beagle' at train[3]");
  }

  @Test
  void aTestClassThatIsNotATrainingClassIsUnknown() {
    rewrite("test", 5, entry("c2/test_1.jpg", 3, "shiba inu"));
    assertThatThrownBy(this::read).isInstanceOf(DatasetException.class)
        .hasMessage(splitFile + " entry test[5]: unknown class: label 3 ('shiba inu') does not occur in \"train\"; "
            + "every val and test class must be a training class");
  }

  @Test
  void labelsWithAGapDoNotMatchAClassList() {
    Map<String, List<List<Object>>> gap = new java.util.LinkedHashMap<>();
    split.forEach((part, entries) -> gap.put(part, entries.stream()
        .map(e -> (int) e.get(1) == 2 ? entry((String) e.get(0), 3, "pug") : e).toList()));
    json(splitFile, gap);
    assertThatThrownBy(this::read).isInstanceOf(DatasetException.class)
        .hasMessage(splitFile + ": labels run from 0 to 3 but no entry has label 2, so the labels do not match a class "
            + "list; labels must be 0..n-1 with every class present");
  }

  @Test
  void datasetSplitsRejectALabelOutsideItsClassList() {
    Datum pug = Datum.of(images.resolve("c2/train_0.jpg"), 2, "pug");
    DatasetSplits.Builder b = DatasetSplits.builder("Pets").imageRoot(images).classNames(List.of("abyssinian", "beagle"))
        .train(List.of(pug));
    assertThatThrownBy(b::build).isInstanceOf(InputException.class)
        .hasMessage("Pets train[0] (" + pug.image() + "): label 2 is outside the class list (2 classes, labels 0..1)");
    Datum misnamed = Datum.of(images.resolve("c1/train_0.jpg"), 1, "pug");
    assertThatThrownBy(() -> b.train(List.of(misnamed)).build())
        .hasMessageEndingWith("class name 'pug' is not the class list's name for label 1 ('beagle')");
    Datum outside = Datum.of(data.resolve("elsewhere.jpg"), 0, "abyssinian");
    assertThatThrownBy(() -> b.train(List.of(outside)).build()).hasMessageEndingWith("image is outside the dataset's image folder " + images);
    assertThatThrownBy(() -> Datum.of(images, -1, "x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fgvcAircraftNamesTheLineOfAnUnknownVariant() {
    Path fgvc = data.resolve("fgvc_aircraft");
    text(fgvc.resolve("variants.txt"), "707-320", "A300B4");
    text(fgvc.resolve("images_variant_train.txt"), "0001 707-320");
    text(fgvc.resolve("images_variant_val.txt"), "0002 A300B4");
    text(fgvc.resolve("images_variant_test.txt"), "0003 A300B4", "0004 Boeing 797");
    for (int i = 1; i <= 4; i++) {
      image(fgvc.resolve("images/000" + i + ".jpg"));
    }
    assertThatThrownBy(() -> DatasetRegistry.builtIn().reader("FGVCAircraft").read(DatasetLocation.of(data)))
        .isInstanceOf(DatasetException.class)
        .hasMessage(fgvc.resolve("images_variant_test.txt") + " line 2: unknown class: variant 'Boeing 797' is not in variants.txt");
  }

  @Test
  void imageNetNamesAFolderMissingFromClassnames() {
    Path imagenet = data.resolve("imagenet");
    text(imagenet.resolve("classnames.txt"), "n01 tench");
    image(imagenet.resolve("images/train/n01/a.jpg"));
    image(imagenet.resolve("images/train/n02/a.jpg"));
    image(imagenet.resolve("images/val/n01/b.jpg"));
    image(imagenet.resolve("images/val/n02/b.jpg"));
    assertThatThrownBy(() -> DatasetRegistry.builtIn().reader("ImageNet").read(DatasetLocation.of(data)))
        .isInstanceOf(DatasetException.class)
        .hasMessageStartingWith(imagenet.resolve("classnames.txt") + ": has no line for class folder 'n02'");
    text(imagenet.resolve("classnames.txt"), "n01 tench", "n02");
    assertThatThrownBy(() -> DatasetRegistry.builtIn().reader("ImageNet").read(DatasetLocation.of(data)))
        .hasMessage(imagenet.resolve("classnames.txt") + " line 2: expected '<wnid> <class name>', got 'n02'");
  }
}
