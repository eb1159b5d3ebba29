package org.ckcoop.world.pretrain;

import java.util.Locale;

/**
 * One row of {@code pretrain-log.tsv}: averages over the log interval ending at {@code step}.
 *
 * @param step steps done
 * @param loss mean contrastive loss over the interval
 * @param accuracy mean in-batch image-to-text accuracy over the interval, in percent
 * @param learningRate the learning rate of the interval's last step
 * @param msPerStep mean wall time per step over the interval, in milliseconds
 */
public record PretrainLogRow(int step, double loss, double accuracy, double learningRate, double msPerStep) {
  /** The TSV header. */
  public static final String HEADER = "step\tloss\taccuracy\tlr\tms_per_step";

  /** Returns the row as a TSV line (no newline). */
  public String toTsv() {
    return String.format(Locale.ROOT, "%d\t%.5f\t%.2f\t%.6g\t%.1f", step, loss, accuracy, learningRate, msPerStep);
  }

  /**
   * Parses a TSV line written by {@link #toTsv()}.
   *
   * @throws IllegalArgumentException when the line does not have five numeric fields
   */
  public static PretrainLogRow parse(String line) {
    String[] f = line.split("\t");
    if (f.length != 5) {
      throw new IllegalArgumentException("expected 5 tab-separated fields, got " + f.length + ": " + line);
    }
    return new PretrainLogRow(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
        Double.parseDouble(f[3]), Double.parseDouble(f[4]));
  }
}
