package org.ckcoop.eval.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * FGVCAircraft from its official variant files, as CoOp reads it: class names are the lines of
 * {@code fgvc_aircraft/variants.txt} (label = line index), and
 * {@code images_variant_{train,val,test}.txt} list {@code <image id> <variant>} per line, the image
 * being {@code images/<image id>.jpg}.
 */
final class FgvcAircraftReader implements DatasetReader {
  private static final String FOLDER = "fgvc_aircraft";

  @Override
  public String name() {
    return "FGVCAircraft";
  }

  @Override
  public List<String> aliases() {
    return List.of("fgvc-aircraft", "aircraft");
  }

  @Override
  public String description() {
    return "FGVC-Aircraft, 100 variants; fgvc_aircraft/variants.txt and images_variant_{train,val,test}.txt, "
        + "images in fgvc_aircraft/images";
  }

  @Override
  public ZeroShotTemplate template() {
    return new ZeroShotTemplate("a photo of a {}, a type of aircraft.");
  }

  @Override
  public DatasetSplits read(DatasetLocation location) {
    Path home = ImageFiles.requireFolder(location.root().resolve(FOLDER),
        "the FGVCAircraft folder of the CoOp DATA layout, with variants.txt, images_variant_*.txt and images/");
    Path imageRoot = ImageFiles.requireFolder(home.resolve("images"), "FGVCAircraft's images");
    Path variantsFile = ImageFiles.requireFile(home.resolve("variants.txt"), "one aircraft variant per line");
    List<String> classNames = new ArrayList<>();
    Map<String, Integer> labels = new HashMap<>();
    List<String> lines = lines(variantsFile);
    for (int i = 0; i < lines.size(); i++) {
      String variant = lines.get(i).strip();
      if (variant.isEmpty()) {
        continue;
      }
      if (labels.putIfAbsent(variant, classNames.size()) != null) {
        throw new DatasetException(variantsFile + " line " + (i + 1), "variant '" + variant + "' is listed twice");
      }
      classNames.add(variant);
    }
    if (classNames.isEmpty()) {
      throw new DatasetException(variantsFile, "lists no variants");
    }
    DatasetSplits.Builder builder = DatasetSplits.builder(name()).home(home).imageRoot(imageRoot)
        .classNames(classNames).template(template()).coopFewShotCache(true);
    for (SplitPart part : SplitPart.values()) {
      Path file = ImageFiles.requireFile(home.resolve("images_variant_" + part.key() + ".txt"),
          "FGVCAircraft's " + part.key() + " list, '<image id> <variant>' per line");
      builder.part(part, readPart(file, imageRoot, labels, classNames));
    }
    return builder.build();
  }

  private static List<Datum> readPart(Path file, Path imageRoot, Map<String, Integer> labels, List<String> classNames) {
    List<String> lines = lines(file);
    List<String> relative = new ArrayList<>();
    List<Path> resolved = new ArrayList<>();
    List<Integer> partLabels = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      String where = file + " line " + (i + 1);
      int space = line.indexOf(' ');
      if (space <= 0) {
        throw new DatasetException(where, "expected '<image id> <variant>', got '" + line + "'");
      }
      String variant = line.substring(space + 1);
      Integer label = labels.get(variant);
      if (label == null) {
        throw new DatasetException(where, "unknown class: variant '" + variant + "' is not in variants.txt");
      }
      String image = line.substring(0, space) + ".jpg";
      relative.add(image);
      resolved.add(ImageFiles.resolve(imageRoot, image, where));
      partLabels.add(label);
    }
    ImageFiles.requireExisting(file, imageRoot, relative, resolved);
    List<Datum> data = new ArrayList<>(resolved.size());
    for (int i = 0; i < resolved.size(); i++) {
      data.add(Datum.of(resolved.get(i), partLabels.get(i), classNames.get(partLabels.get(i))));
    }
    return data;
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new DatasetException(file, "cannot read: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return name();
  }
}
