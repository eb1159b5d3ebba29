package org.ckcoop.backbone;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import org.ckcoop.backbone.safetensors.SafetensorsFile;

/**
 * The golden fixtures under {@code src/test/resources/golden}: tiny checkpoints and the features an
 * independent numpy port of OpenAI's CLIP computed for them (see {@code tools/reference}).
 */
public final class GoldenFixtures {
  private GoldenFixtures() {}

  /** Returns the path of a fixture, e.g. {@code tiny-a/hf}. */
  public static Path path(String relative) {
    URL url = GoldenFixtures.class.getResource("/golden/" + relative);
    if (url == null) {
      throw new IllegalStateException("missing test fixture golden/" + relative);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Opens a golden tensors file. */
  public static SafetensorsFile golden(String relative) {
    return SafetensorsFile.open(path(relative));
  }

  /** Returns max |a - b| / max(1, max |b|): the error relative to the reference's scale. */
  public static double relativeMaxError(float[] actual, float[] expected) {
    double max = 0;
    double scale = 1;
    for (int i = 0; i < expected.length; i++) {
      max = Math.max(max, Math.abs(actual[i] - expected[i]));
      scale = Math.max(scale, Math.abs(expected[i]));
    }
    return max / scale;
  }

  /**
   * Returns the largest, over rows, of max |a - b| divided by the L2 norm of the reference row: the
   * error relative to the feature norm, the acceptance measure.
   */
  public static double errorRelativeToNorm(float[] actual, float[] expected, int width) {
    double worst = 0;
    for (int row = 0; row < expected.length / width; row++) {
      double norm = 0;
      double max = 0;
      for (int j = 0; j < width; j++) {
        int i = row * width + j;
        norm += (double) expected[i] * expected[i];
        max = Math.max(max, Math.abs(actual[i] - expected[i]));
      }
      worst = Math.max(worst, max / Math.sqrt(norm));
    }
    return worst;
  }
}
