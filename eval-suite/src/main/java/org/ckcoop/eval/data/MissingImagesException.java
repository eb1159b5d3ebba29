package org.ckcoop.eval.data;

import java.nio.file.Path;
import java.util.List;

/**
 * Images that a split lists but that are not on disk. The message names the split file, how many of
 * the listed images are missing and the first few of them.
 */
public class MissingImagesException extends DatasetException {
  private static final long serialVersionUID = 1L;

  /** How many missing images the message lists. */
  public static final int SHOWN = 5;

  private final int missing;
  private final int listed;
  private final List<String> examples;

  /**
   * Creates the exception.
   *
   * @param splitFile the file that lists the images
   * @param imageRoot the folder the listed paths are relative to
   * @param missing how many listed images are missing
   * @param listed how many images the file lists
   * @param examples the first missing paths, relative to {@code imageRoot}, in file order
   */
  public MissingImagesException(Path splitFile, Path imageRoot, int missing, int listed, List<String> examples) {
    super(splitFile, message(imageRoot, missing, listed, examples));
    this.missing = missing;
    this.listed = listed;
    this.examples = List.copyOf(examples.subList(0, Math.min(SHOWN, examples.size())));
  }

  private static String message(Path imageRoot, int missing, int listed, List<String> examples) {
    List<String> shown = examples.subList(0, Math.min(SHOWN, examples.size()));
    return missing + " of " + listed + " listed images are missing under " + imageRoot + ": "
        + String.join(", ", shown) + (missing > shown.size() ? ", ..." : "");
  }

  /** Returns how many listed images are missing. */
  public int missing() {
    return missing;
  }

  /** Returns how many images the split file lists. */
  public int listed() {
    return listed;
  }

  /** Returns the first few missing paths (at most {@link #SHOWN}), relative to the image folder. */
  public List<String> examples() {
    return examples;
  }
}
