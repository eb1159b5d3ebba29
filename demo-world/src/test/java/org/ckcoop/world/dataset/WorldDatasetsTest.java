package org.ckcoop.world.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.ckcoop.common.InputException;
import org.ckcoop.world.render.RenderStyle;
import org.ckcoop.world.render.Scene;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The downstream datasets: layout, classes, base/new, atomic generation, reuse and regeneration. */
class WorldDatasetsTest {
  @TempDir Path root;

  /** The standard datasets with one train, val and test image per class. */
  static List<DatasetRecipe> small() {
    return WorldDatasets.standardRecipes().stream()
        .map(r -> r.withPerClass(r.role() == DatasetRole.TRAIN ? new PartCounts(1, 1, 1) : new PartCounts(0, 0, 1)))
        .toList();
  }

  WorldManifest ensure(long seed) {
    return WorldDatasets.ensure(root, seed, 32, small());
  }

  static Path marker(WorldManifest manifest, String dataset) throws Exception {
    return Files.writeString(manifest.dataset(dataset).folder().resolve("marker.txt"), "left here by the test");
  }

  @Test
  void writesTheStandardDatasetsInTheCoopLayout() throws Exception {
    WorldManifest manifest = ensure(1);

    assertThat(manifest.datasets()).extracting(WorldManifest.Dataset::name).containsExactly("world_objects",
        "world_shapes", "world_patterns", "world_objects_photo", "world_objects_sketch", "world_objects_pixelated");
    assertThat(manifest.seed()).isEqualTo(1);
    assertThat(manifest.generator()).isEqualTo(WorldCorpus.GENERATOR_VERSION);
    assertThat(WorldManifest.read(root)).isEqualTo(manifest);
    WorldDatasets.verify(manifest);

    WorldManifest.Dataset objects = manifest.dataset("world_objects");
    assertThat(objects.folder()).isEqualTo(root.resolve("world_objects"));
    assertThat(objects.splitFile()).isEqualTo(root.resolve("world_objects/split_zhou_world_objects.json"));
    assertThat(objects.classNames()).hasSize(64).isSorted().startsWith("blue arrow", "blue circle")
        .endsWith("yellow triangle");
    assertThat(objects.style()).isEqualTo(RenderStyle.NIGHT);
    assertThat(objects.template()).isEqualTo("a photo of a {}.");
    assertThat(objects.prompts().get(0)).isEqualTo("a photo of a blue arrow.");
    assertThat(objects.counts()).isEqualTo(new PartCounts(64, 64, 64));
    assertThat(manifest.dataset("world_shapes").classNames()).containsExactly("arrow", "circle", "cross", "heart",
        "ring", "square", "star", "triangle");
    assertThat(manifest.dataset("world_patterns").classNames()).containsExactly("checkered", "dotted", "grid",
        "plain", "speckled", "striped", "wavy", "zigzag");
    assertThat(manifest.variantsOf("world_objects")).extracting(WorldManifest.Dataset::style)
        .containsExactly(RenderStyle.PHOTO, RenderStyle.SKETCH, RenderStyle.PIXELATED);
    assertThat(manifest.dataset("world_objects_sketch").testOnly()).isTrue();
    assertThat(manifest.dataset("world_objects_sketch").classNames()).isEqualTo(objects.classNames());

    JsonNode split = new ObjectMapper().readTree(objects.splitFile().toFile());
    assertThat(split.fieldNames()).toIterable().containsExactly("train", "val", "test");
    assertThat(split.get("train")).hasSize(64);
    assertThat(split.get("val")).hasSize(64);
    assertThat(split.get("test")).hasSize(64);
    JsonNode first = split.get("test").get(0);
    assertThat(first.get(0).asText()).isEqualTo("images/blue_arrow/00002.png");
    assertThat(first.get(1).asInt()).isEqualTo(0);
    assertThat(first.get(2).asText()).isEqualTo("blue arrow");
    for (String part : List.of("train", "val", "test")) {
      for (JsonNode entry : split.get(part)) {
        int label = entry.get(1).asInt();
        assertThat(entry.get(2).asText()).isEqualTo(objects.classNames().get(label));
        assertThat(entry.get(0).asText()).startsWith("images/" + objects.classNames().get(label).replace(' ', '_') + "/");
        assertThat(objects.folder().resolve(entry.get(0).asText())).isRegularFile();
      }
    }
    JsonNode variant = new ObjectMapper().readTree(manifest.dataset("world_objects_photo").splitFile().toFile());
    assertThat(variant.get("train")).isEmpty();
    assertThat(variant.get("val")).isEmpty();
    assertThat(variant.get("test")).hasSize(64);
    try (Stream<Path> files = Files.list(root)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".incomplete"))).isEmpty();
    }
  }

  @Test
  void baseAndNewObjectClassesShareShapesButNoColour() {
    WorldManifest.Dataset objects = ensure(1).dataset("world_objects");
    assertThat(objects.baseClasses()).hasSize(32);
    assertThat(objects.newClasses()).hasSize(32);
    Set<String> baseColours = objects.baseClasses().stream().map(c -> c.split(" ")[0]).collect(Collectors.toCollection(TreeSet::new));
    Set<String> newColours = objects.newClasses().stream().map(c -> c.split(" ")[0]).collect(Collectors.toCollection(TreeSet::new));
    assertThat(baseColours).containsExactly("blue", "cyan", "green", "orange");
    assertThat(newColours).containsExactly("pink", "purple", "red", "yellow");
    Set<String> baseShapes = objects.baseClasses().stream().map(c -> c.split(" ")[1]).collect(Collectors.toSet());
    Set<String> newShapes = objects.newClasses().stream().map(c -> c.split(" ")[1]).collect(Collectors.toSet());
    assertThat(baseShapes).hasSize(8).isEqualTo(newShapes);
  }

  @Test
  void imagesShowTheirClassInTheDatasetsStyle() {
    DatasetRecipe objects = WorldDatasets.standardRecipes().get(0);
    DatasetRecipe shapes = WorldDatasets.standardRecipes().get(1);
    DatasetRecipe patterns = WorldDatasets.standardRecipes().get(2);
    DatasetRecipe sketches = WorldDatasets.standardRecipes().get(4);
    for (int j = 0; j < 5; j++) {
      Scene s = WorldDatasets.scene(1, objects, DatasetPart.TRAIN, 13, j);
      assertThat(s.colour().word() + " " + s.shape().word()).isEqualTo(objects.classNames().get(13));
      assertThat(s.style()).isEqualTo(RenderStyle.NIGHT);
      assertThat(WorldDatasets.scene(1, shapes, DatasetPart.TEST, 6, j).shape().word()).isEqualTo("star");
      assertThat(WorldDatasets.scene(1, shapes, DatasetPart.TEST, 6, j).style()).isEqualTo(RenderStyle.SKETCH);
      assertThat(WorldDatasets.scene(1, patterns, DatasetPart.VAL, 5, j).pattern().word()).isEqualTo("striped");
      // a domain variant shows the source's test scene in its own style
      Scene source = WorldDatasets.scene(1, objects, DatasetPart.TEST, 40, j);
      Scene variant = WorldDatasets.scene(1, sketches, DatasetPart.TEST, 40, j);
      assertThat(variant.style()).isEqualTo(RenderStyle.SKETCH);
      assertThat(variant.object()).isEqualTo(source.object());
      assertThat(variant.background()).isEqualTo(source.background());
      assertThat(variant.colour()).isEqualTo(source.colour());
    }
    // parts and classes draw different scenes
    assertThat(WorldDatasets.scene(1, objects, DatasetPart.TRAIN, 0, 0).object())
        .isNotEqualTo(WorldDatasets.scene(1, objects, DatasetPart.TEST, 0, 0).object());
  }

  @Test
  void ensureReusesACompleteWorld() throws Exception {
    WorldManifest first = ensure(1);
    Path marker = marker(first, "world_objects");
    WorldManifest second = ensure(1);
    assertThat(second).isEqualTo(first);
    assertThat(marker).exists();
  }

  @Test
  void anInterruptedGenerationIsNeverTakenAsComplete() throws Exception {
    // a generation that died before its manifest: dataset folders and a temporary folder, no manifest
    Path partial = Files.createDirectories(root.resolve("world_objects/images/blue_arrow"));
    Files.writeString(root.resolve("world_objects/split_zhou_world_objects.json"), "{\"train\": []}");
    Path leftover = Files.createDirectories(root.resolve(".incomplete-world_shapes-1234/images"));
    Files.writeString(leftover.resolve("junk.png"), "x");

    WorldManifest manifest = ensure(1);

    assertThat(root.resolve(".incomplete-world_shapes-1234")).doesNotExist();
    assertThat(partial).isDirectory();
    assertThat(Files.readString(manifest.dataset("world_objects").splitFile())).startsWith("{\n  \"train\": [\n");
    WorldDatasets.verify(manifest);

    // a world whose manifest is gone is regenerated, not reused
    Path marker = marker(manifest, "world_patterns");
    Files.delete(manifest.file());
    WorldManifest again = ensure(1);
    assertThat(marker).doesNotExist();
    assertThat(again).isEqualTo(manifest);
  }

  @Test
  void aDamagedDatasetIsRegeneratedAlone() throws Exception {
    WorldManifest manifest = ensure(1);
    Path kept = marker(manifest, "world_patterns");
    Path shapes = manifest.dataset("world_shapes").folder();
    Path image = shapes.resolve("images/star/00002.png");
    Files.delete(image);
    Path marker = marker(manifest, "world_shapes");

    WorldManifest repaired = ensure(1);

    assertThat(repaired).isEqualTo(manifest);
    assertThat(image).isRegularFile();
    assertThat(marker).doesNotExist();
    assertThat(kept).exists();
    WorldDatasets.verify(repaired);

    // an edited split file counts as damage too
    Files.writeString(manifest.dataset("world_patterns").splitFile(), "{}");
    assertThat(ensure(1)).isEqualTo(manifest);
    assertThat(kept).doesNotExist();
  }

  @Test
  void anotherSeedOrSizeRegeneratesAndDiffers() throws Exception {
    WorldManifest one = ensure(1);
    Path marker = marker(one, "world_objects");
    WorldManifest two = ensure(2);
    assertThat(two.seed()).isEqualTo(2);
    assertThat(marker).doesNotExist();
    for (int i = 0; i < one.datasets().size(); i++) {
      assertThat(two.datasets().get(i).contentSha256()).isNotEqualTo(one.datasets().get(i).contentSha256());
      assertThat(two.datasets().get(i).splitSha256()).isEqualTo(one.datasets().get(i).splitSha256());
    }
    WorldManifest bigger = WorldDatasets.ensure(root, 2, 40, small());
    assertThat(bigger.imageSize()).isEqualTo(40);
    WorldDatasets.verify(bigger);
    // fewer datasets: the ones no longer wanted are removed
    WorldManifest fewer = WorldDatasets.ensure(root, 2, 40, small().subList(0, 2));
    assertThat(fewer.datasets()).hasSize(2);
    assertThat(root.resolve("world_patterns")).doesNotExist();
    assertThat(root.resolve("world_objects_sketch")).doesNotExist();
  }

  @Test
  void aCorruptManifestMeansRegeneration() throws Exception {
    WorldManifest manifest = ensure(1);
    Files.writeString(manifest.file(), "{\"format\": \"ckcoop-world-manifest/1\", \"seed\": ");
    assertThatThrownBy(() -> WorldManifest.read(root)).isInstanceOf(InputException.class)
        .hasMessageStartingWith(manifest.file() + ": is not valid JSON");
    assertThat(ensure(1)).isEqualTo(manifest);
    Files.writeString(manifest.file(), "{\"format\": \"ckcoop-world-manifest/1\"}");
    assertThatThrownBy(() -> WorldManifest.read(root)).isInstanceOf(InputException.class)
        .hasMessage(manifest.file() + " key generator: is missing");
  }

  @Test
  void verifyFindsAChangedImage() throws Exception {
    WorldManifest manifest = ensure(1);
    Path image = manifest.dataset("world_shapes").folder().resolve("images/heart/00000.png");
    Files.write(image, PngEncoder.encode(new WorldCorpus(9, 32).image(0)));
    assertThatThrownBy(() -> WorldDatasets.verify(manifest)).isInstanceOf(InputException.class)
        .hasMessageStartingWith(manifest.dataset("world_shapes").folder() + ": content hash ");
  }

  @Test
  void badRecipesAreRefused() {
    List<DatasetRecipe> recipes = new ArrayList<>(small());
    recipes.add(recipes.get(0));
    assertThatThrownBy(() -> WorldDatasets.ensure(root, 1, 32, recipes)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two recipes are named 'world_objects'");
    assertThatThrownBy(() -> WorldDatasets.ensure(root, 1, 32, small().subList(3, 4)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an earlier training dataset");
    assertThatThrownBy(() -> new DatasetRecipe("world_x", ClassAxis.SHAPE, RenderStyle.PHOTO, "a photo", DatasetRole.TRAIN,
        Optional.empty(), new PartCounts(1, 1, 1), "x")).hasMessageContaining("exactly once");
    assertThatThrownBy(() -> new DatasetRecipe("world_x", ClassAxis.SHAPE, RenderStyle.PHOTO, "{}", DatasetRole.TEST_ONLY,
        Optional.empty(), new PartCounts(1, 0, 1), "x")).hasMessageContaining("no train or val");
  }

  @Test
  void goldenContents() {
    // Any change here changes every world: bump WorldCorpus.GENERATOR_VERSION with the new values.
    WorldManifest manifest = ensure(1);
    assertThat(manifest.datasets()).extracting(WorldManifest.Dataset::contentSha256).containsExactly(
        "8347c292380fc982f15ec71d4795e54b09ef4ab1d7e1160598f2b00f2728c3d5",
        "3b4307438375253778ff1d27f0586efadbb5a38aa27d2395ada9239a5ea00555",
        "22498a4fddbea0fde43507ffa410c6703c271f91c820195cf77434ecf418ff42",
        "84fc1cd9f46c791e88b23fc6a17d01e55cb363fab3fe508978724d940fc8f707",
        "27ec8bc4d056b14e6823b0e0a0c7521053038f9b635763c9d3bc410af5121a03",
        "dc33faf5ee19a53a5bd1067c04ff7493c71334e3e5312ca044c5b3183df179ea");
  }

  @Test
  void theStandardWorldHasTheDesignedSizesAndIsQuickToMake() {
    long start = System.nanoTime();
    WorldManifest manifest = WorldDatasets.ensure(root, 1);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(manifest.imageSize()).isEqualTo(32);
    assertThat(manifest.datasets()).extracting(d -> d.name() + " " + d.classNames().size() + " " + d.counts())
        .containsExactly(
            "world_objects 64 PartCounts[train=1536, val=384, test=1600]",
            "world_shapes 8 PartCounts[train=320, val=80, test=480]",
            "world_patterns 8 PartCounts[train=320, val=80, test=480]",
            "world_objects_photo 64 PartCounts[train=0, val=0, test=1600]",
            "world_objects_sketch 64 PartCounts[train=0, val=0, test=1600]",
            "world_objects_pixelated 64 PartCounts[train=0, val=0, test=1600]");
    assertThat(seconds).isLessThan(60);
    long reuse = System.nanoTime();
    assertThat(WorldDatasets.ensure(root, 1)).isEqualTo(manifest);
    assertThat((System.nanoTime() - reuse) / 1e9).isLessThan(5);
  }
}
