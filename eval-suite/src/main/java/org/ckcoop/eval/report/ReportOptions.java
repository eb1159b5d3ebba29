package org.ckcoop.eval.report;

import java.util.Objects;

/**
 * What a report aggregates and compares against.
 *
 * @param metric the accuracy aggregated ({@link Metric#TOP1}, as the field's tables)
 * @param published the published numbers shown beside ours where they apply
 */
public record ReportOptions(Metric metric, PublishedNumbers published) {
  /** Checks that both are given. */
  public ReportOptions {
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(published, "published");
  }

  /** Returns top-1 accuracy with the built-in published numbers. */
  public static ReportOptions defaults() {
    return new ReportOptions(Metric.TOP1, PublishedNumbers.builtIn());
  }

  /** Returns these options with another metric. */
  public ReportOptions withMetric(Metric other) {
    return new ReportOptions(other, published);
  }

  /** Returns these options with other published numbers. */
  public ReportOptions withPublished(PublishedNumbers other) {
    return new ReportOptions(metric, other);
  }
}
