package org.ckcoop.eval.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/** Tiny datasets in the CoOp DATA layout, written into a temporary folder: 2x2 PNGs and small split files. */
final class FabricatedData {
  private static final byte[] PNG = png();
  static final ObjectMapper JSON = new ObjectMapper();

  private FabricatedData() {}

  private static byte[] png() {
    BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, 0xff0000);
    image.setRGB(1, 1, 0x00ff00);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Writes a tiny PNG (whatever the file's extension). */
  static Path image(Path file) {
    try {
      Files.createDirectories(file.getParent());
      return Files.write(file, PNG);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path text(Path file, String... lines) {
    try {
      Files.createDirectories(file.getParent());
      return Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path json(Path file, Object value) {
    try {
      Files.createDirectories(file.getParent());
      JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), value);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One entry {@code [path, label, classname]}. */
  static List<Object> entry(String path, int label, String className) {
    return List.of(path, label, className);
  }

  /**
   * Writes a split_zhou dataset: for each class {@code c}, {@code perPart[p]} images
   * {@code <class folder>/<part>_<i>.jpg} in part {@code p} (train, val, test), entries class by
   * class; the images go under {@code imageRoot}, the split into {@code splitFile}.
   *
   * @return the split as written, part name to entries
   */
  static Map<String, List<List<Object>>> splitDataset(Path imageRoot, Path splitFile, List<String> classNames,
      int... perPart) {
    Map<String, List<List<Object>>> split = new LinkedHashMap<>();
    String[] parts = {"train", "val", "test"};
    for (int p = 0; p < 3; p++) {
      List<List<Object>> entries = new ArrayList<>();
      for (int c = 0; c < classNames.size(); c++) {
        for (int i = 0; i < perPart[p]; i++) {
          String path = "c" + c + "/" + parts[p] + "_" + i + ".jpg";
          image(imageRoot.resolve(path));
          entries.add(entry(path, c, classNames.get(c)));
        }
      }
      split.put(parts[p], entries);
    }
    json(splitFile, split);
    return split;
  }

  /** Class names c0, c1, ... */
  static List<String> classes(int n) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      names.add("class_" + i);
    }
    return names;
  }
}
