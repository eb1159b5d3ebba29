package org.ckcoop.eval.study;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.ckcoop.backbone.checkpoint.CheckpointLayout;
import org.ckcoop.backbone.checkpoint.RandomCheckpoints;
import org.ckcoop.backbone.safetensors.StorageType;

/**
 * Tiny studies in a temporary folder: a random tiny CLIP, image-folder datasets of small coloured
 * PNGs (each image distinct), and experiment files.
 */
final class StudyFixture {
  static final List<String> COLOURS = List.of("red", "green", "blue", "yellow", "purple", "orange");
  private static final int[] RGB = {0xdc2828, 0x28b43c, 0x2846dc, 0xebd228, 0x9628c8, 0xf08c1e};

  private StudyFixture() {}

  /** Writes a random tiny CLIP checkpoint (Hugging Face layout, F32). */
  static Path checkpoint(Path dir, long seed) {
    RandomCheckpoints.write(dir, RandomCheckpoints.preset("tiny"), CheckpointLayout.named("huggingface"),
        StorageType.F32, seed);
    return dir;
  }

  /**
   * Writes an image-folder dataset {@code root/{train,test}/<colour>_shape/} with the first
   * {@code classes} colours, {@code train} and {@code test} images per class.
   */
  static Path imageFolder(Path root, int classes, int train, int test, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int c = 0; c < classes; c++) {
      String name = COLOURS.get(c) + "_shape";
      for (int i = 0; i < train; i++) {
        png(root.resolve("train").resolve(name).resolve("train_" + i + ".png"), RGB[c], random);
      }
      for (int i = 0; i < test; i++) {
        png(root.resolve("test").resolve(name).resolve("test_" + i + ".png"), RGB[c], random);
      }
    }
    return root;
  }

  /** Writes a test-only image-folder dataset {@code root/<colour>_blob/} with the given colours. */
  static Path testOnlyFolder(Path root, List<Integer> colours, int images, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int c : colours) {
      for (int i = 0; i < images; i++) {
        png(root.resolve(COLOURS.get(c) + "_blob").resolve("img_" + i + ".png"), RGB[c], random);
      }
    }
    return root;
  }

  /** A 24x20 PNG: a noisy background and a square of the class colour at a random place. */
  static void png(Path file, int rgb, SplittableRandom random) {
    BufferedImage image = new BufferedImage(24, 20, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
    g.fillRect(0, 0, 24, 20);
    g.setColor(new Color(rgb));
    g.fillRect(random.nextInt(10), random.nextInt(8), 10 + random.nextInt(4), 10 + random.nextInt(3));
    g.dispose();
    try {
      Files.createDirectories(file.getParent());
      ImageIO.write(image, "png", file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a text file. */
  static Path write(Path file, String... lines) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      return Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns the run.json files under a folder, as paths relative to it, sorted. */
  static List<String> runFiles(Path output) {
    if (!Files.isDirectory(output)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(output)) {
      List<String> out = new ArrayList<>();
      files.filter(p -> p.getFileName().toString().equals("run.json"))
          .forEach(p -> out.add(output.relativize(p).toString().replace('\\', '/')));
      out.sort(null);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
