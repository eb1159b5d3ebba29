package org.ckcoop.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * A handful of simple coloured-shape PNG images for the demo and the benchmark (placeholders until
 * the built-in world generator exists). Deterministic for a seed.
 */
final class SampleImages {
  static final String[] COLOURS = {"red", "green", "blue", "yellow"};
  static final String[] SHAPES = {"circle", "square", "triangle"};
  private static final Color[] RGB = {new Color(220, 40, 40), new Color(40, 180, 60), new Color(40, 70, 220), new Color(235, 210, 40)};

  private SampleImages() {}

  /** Writes {@code count} images of {@code width} x {@code height} into {@code dir}; returns their paths. */
  static List<Path> write(Path dir, int count, int width, int height, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Path> paths = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      for (int i = 0; i < count; i++) {
        int colour = i % COLOURS.length;
        int shape = (i / COLOURS.length) % SHAPES.length;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(200 + random.nextInt(40), 200 + random.nextInt(40), 200 + random.nextInt(40)));
        g.fillRect(0, 0, width, height);
        g.setColor(RGB[colour]);
        g.setStroke(new BasicStroke(2f));
        int size = Math.min(width, height) / 2;
        int x = width / 2 - size / 2 + random.nextInt(Math.max(1, width / 8));
        int y = height / 2 - size / 2 + random.nextInt(Math.max(1, height / 8));
        switch (shape) {
          case 0 -> g.fillOval(x, y, size, size);
          case 1 -> g.fillRect(x, y, size, size);
          default -> g.fillPolygon(new Polygon(new int[] {x, x + size / 2, x + size}, new int[] {y + size, y, y + size}, 3));
        }
        g.dispose();
        Path file = dir.resolve(String.format(Locale.ROOT, "%03d-%s-%s.png", i, COLOURS[colour], SHAPES[shape]));
        ImageIO.write(image, "png", file.toFile());
        paths.add(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write sample images to " + dir, e);
    }
    return paths;
  }

  /** Returns "a photo of a {colour} {shape}." for image {@code i} of {@link #write}. */
  static String caption(int i) {
    return "a photo of a " + COLOURS[i % COLOURS.length] + " " + SHAPES[(i / COLOURS.length) % SHAPES.length] + ".";
  }
}
