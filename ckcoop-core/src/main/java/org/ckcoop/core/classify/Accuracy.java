package org.ckcoop.core.classify;

/**
 * Top-1 accuracy and mean per-class accuracy (both in percent) of logits against labels.
 *
 * @param top1 percentage of samples whose highest logit is their label
 * @param meanPerClass mean over classes present in the labels of each class's top-1 accuracy
 * @param perClass each class's top-1 accuracy (NaN for classes without samples)
 * @param count the number of samples
 */
public record Accuracy(double top1, double meanPerClass, double[] perClass, int count) {

  /** Computes accuracies from logits [N, C] row-major and labels [N]. */
  public static Accuracy of(float[] logits, int[] labels, int classes) {
    int[] correct = new int[classes];
    int[] total = new int[classes];
    int hits = 0;
    for (int i = 0; i < labels.length; i++) {
      int best = 0;
      for (int c = 1; c < classes; c++) {
        if (logits[i * classes + c] > logits[i * classes + best]) {
          best = c;
        }
      }
      total[labels[i]]++;
      if (best == labels[i]) {
        correct[labels[i]]++;
        hits++;
      }
    }
    double[] perClass = new double[classes];
    double sum = 0;
    int present = 0;
    for (int c = 0; c < classes; c++) {
      perClass[c] = total[c] == 0 ? Double.NaN : 100.0 * correct[c] / total[c];
      if (total[c] > 0) {
        sum += perClass[c];
        present++;
      }
    }
    return new Accuracy(labels.length == 0 ? Double.NaN : 100.0 * hits / labels.length,
        present == 0 ? Double.NaN : sum / present, perClass, labels.length);
  }
}
