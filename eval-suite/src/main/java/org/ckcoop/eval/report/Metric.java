package org.ckcoop.eval.report;

import java.util.Arrays;
import java.util.Locale;
import org.ckcoop.common.InputException;
import org.ckcoop.eval.result.RunResult;

/** Which accuracy of a test result the report aggregates. */
public enum Metric {
  /** Top-1 accuracy over all test images (micro accuracy): what the field's tables report. */
  TOP1("top1"),
  /** Mean of the per-class top-1 accuracies. */
  MEAN_PER_CLASS("mean-per-class");

  private final String optionName;

  Metric(String optionName) {
    this.optionName = optionName;
  }

  /** Returns the name used on the command line and in the summary. */
  public String optionName() {
    return optionName;
  }

  /** Returns this metric's value in a test result, in percent. */
  public double of(RunResult.TestResult test) {
    return this == TOP1 ? test.top1() : test.meanPerClass();
  }

  /**
   * Returns the metric with this command-line name.
   *
   * @throws InputException naming {@code --metric} and the known names if none matches
   */
  public static Metric named(String name) {
    for (Metric metric : values()) {
      if (metric.optionName.equals(name.toLowerCase(Locale.ROOT).trim())) {
        return metric;
      }
    }
    throw new InputException("--metric", "unknown metric '" + name + "' (known: "
        + String.join(", ", Arrays.stream(values()).map(Metric::optionName).toList()) + ")");
  }

  @Override
  public String toString() {
    return optionName;
  }
}
