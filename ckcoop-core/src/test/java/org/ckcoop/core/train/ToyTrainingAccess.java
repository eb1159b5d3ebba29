package org.ckcoop.core.train;

import java.util.List;
import org.ckcoop.backbone.ClipBackbone;

/** Gives tests outside this package the toy training problem. */
public final class ToyTrainingAccess {
  private ToyTrainingAccess() {}

  /** See {@code ToyTraining.data}. */
  public static CachedFeatures data(ClipBackbone backbone, int perClass, long seed) {
    return ToyTraining.data(backbone, perClass, seed);
  }

  /** The toy problem's class names. */
  public static List<String> classes() {
    return ToyTraining.CLASSES;
  }

  /** All features of {@code data}, row-major. */
  public static float[] features(CachedFeatures data) {
    float[] out = new float[data.size() * data.featureWidth()];
    for (int i = 0; i < data.size(); i++) {
      data.features(i, 0, out, i * data.featureWidth());
    }
    return out;
  }

  /** All labels of {@code data}. */
  public static int[] labels(CachedFeatures data) {
    int[] out = new int[data.size()];
    for (int i = 0; i < data.size(); i++) {
      out[i] = data.label(i);
    }
    return out;
  }
}
