package org.ckcoop.eval.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.ckcoop.common.InputException;
import org.ckcoop.backbone.image.ImageDecoder;
import org.ckcoop.eval.data.DatasetSplits;
import org.ckcoop.eval.data.Datum;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every dataset a shard's runs use before the first run trains, so that a corrupt image or
 * split file is reported in seconds rather than after an hour of training: each dataset is read
 * (its split files and class names checked by the data package), each run's few-shot split is read
 * or sampled, and the header of every image of every part is decoded (format, width and height,
 * with {@link ImageReader#getWidth(int)}, not the pixels). All problems are collected and reported
 * at once, each naming the dataset, the file and what is wrong. A class without test images is a
 * warning (its accuracy is not measured), not an error.
 */
final class StudyPreflight {
  private static final Logger LOG = LoggerFactory.getLogger(StudyPreflight.class);
  /** How many problems the error lists (all are counted). */
  static final int SHOWN = 20;

  private StudyPreflight() {}

  /**
   * What the check found.
   *
   * @param problems the errors, one line each
   * @param warnings what does not stop the study, one line each
   * @param images the images whose headers were decoded
   * @param seconds wall-clock seconds the check took
   */
  record Findings(List<String> problems, List<String> warnings, int images, double seconds) {}

  /**
   * Checks the datasets and splits of {@code runs}.
   *
   * @throws InputException listing every problem found, when there is one
   */
  static Findings check(Study study, List<PlannedRun> runs, StudyData data) {
    long start = System.nanoTime();
    Map<String, Boolean> tested = new LinkedHashMap<>();
    for (PlannedRun run : runs) {
      tested.putIfAbsent(run.dataset(), true);
      run.targets().forEach(t -> tested.putIfAbsent(t, true));
    }
    List<String> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Set<String> unreadable = new HashSet<>();
    int images = 0;
    for (String id : tested.keySet()) {
      DatasetSplits dataset;
      try {
        dataset = data.dataset(id);
      } catch (InputException e) {
        problems.add("dataset " + id + ": " + e.getMessage());
        unreadable.add(id);
        continue;
      }
      images += checkImages(id, dataset, problems);
      warnEmptyTestClasses(id, dataset, warnings);
    }
    Set<String> splitsSeen = new HashSet<>();
    for (PlannedRun run : runs) {
      if (unreadable.contains(run.dataset())) {
        continue;
      }
      try {
        data.split(run);
      } catch (InputException e) {
        if (splitsSeen.add(e.getMessage())) {
          problems.add("dataset " + run.dataset() + ", split of " + run.shots() + " shots, seed " + run.seed() + ": "
              + e.getMessage());
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    for (String w : warnings) {
      LOG.warn("{}", w);
    }
    LOG.info("checked {} dataset(s) and {} image headers in {} s", tested.size(), images,
        String.format(Locale.ROOT, "%.2f", seconds));
    if (!problems.isEmpty()) {
      int shown = Math.min(SHOWN, problems.size());
      throw new InputException(study.experimentFile(), problems.size() + " problem(s) in the study's datasets, found"
          + " before anything trained (nothing was written):\n  - " + String.join("\n  - ", problems.subList(0, shown))
          + (problems.size() > shown ? "\n  - ... and " + (problems.size() - shown) + " more" : ""));
    }
    return new Findings(List.copyOf(problems), List.copyOf(warnings), images, seconds);
  }

  private static int checkImages(String id, DatasetSplits dataset, List<String> problems) {
    Set<Path> seen = new LinkedHashSet<>();
    for (List<Datum> part : List.of(dataset.train(), dataset.val(), dataset.test())) {
      for (Datum d : part) {
        seen.add(d.image());
      }
    }
    for (Path image : seen) {
      String problem = headerProblem(image);
      if (problem != null) {
        problems.add("dataset " + id + " (" + dataset.name() + "): " + image + ": " + problem);
      }
    }
    return seen.size();
  }

  /** Returns what is wrong with an image file's header, or {@code null} when its size can be read. */
  static String headerProblem(Path image) {
    if (!Files.isRegularFile(image)) {
      return "no such file";
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(image.toFile())) {
      if (in == null) {
        return "cannot be opened";
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return "not an image in a readable format (" + size(image) + " bytes, no PNG, JPEG, BMP, GIF or TIFF"
            + " header)";
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        if (w <= 0 || h <= 0) {
          return "its header gives a size of " + w + "x" + h;
        }
        if ((long) w * h > ImageDecoder.MAX_PIXELS) {
          return "its header gives " + w + "x" + h + " pixels, more than the decoder's limit of "
              + ImageDecoder.MAX_PIXELS;
        }
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      return "its " + formatOf(image) + " header cannot be decoded (" + e.getMessage() + ")";
    }
    return null;
  }

  private static String formatOf(Path image) {
    String name = image.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "image" : name.substring(dot + 1).toUpperCase(Locale.ROOT);
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  static void warnEmptyTestClasses(String id, DatasetSplits dataset, List<String> warnings) {
    if (dataset.test().isEmpty()) {
      return; // a dataset without a test part is refused where it is tested, naming it
    }
    boolean[] present = new boolean[dataset.numClasses()];
    dataset.test().forEach(d -> present[d.label()] = true);
    List<String> empty = new ArrayList<>();
    for (int c = 0; c < present.length; c++) {
      if (!present[c]) {
        empty.add("'" + dataset.classNames().get(c) + "'");
      }
    }
    if (!empty.isEmpty()) {
      warnings.add("dataset " + id + " (" + dataset.name() + "): class" + (empty.size() == 1 ? " " : "es ")
          + String.join(", ", empty) + (empty.size() == 1 ? " has" : " have") + " no test images; "
          + (empty.size() == 1 ? "its" : "their") + " accuracy is not measured (top-1 and mean per class are over"
          + " the other classes)");
    }
  }
}
