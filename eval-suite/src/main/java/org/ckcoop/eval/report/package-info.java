/**
 * The study report: reads every {@code run.json} under a results folder and writes the tables the
 * field publishes (Markdown, CSV, LaTeX), PNG charts and a JSON summary of every aggregated number.
 *
 * <p>The flow is one way: {@link org.ckcoop.eval.report.ResultScan} finds and reads the run files
 * (skipping, with a warning, the ones it cannot read); {@link org.ckcoop.eval.report.Report} groups
 * them into {@link org.ckcoop.eval.report.ReportSection}s (one per study, protocol, backbone and
 * training setting), aggregates seeds into {@link org.ckcoop.eval.report.Figure}s and derives the
 * harmonic means and averages the way the field does; published numbers
 * ({@link org.ckcoop.eval.report.PublishedNumbers}) join where protocol, datasets, shots and backbone
 * match; {@link org.ckcoop.eval.report.ReportTable}s lay a section out with learners as columns or as
 * rows, and the formats, charts and summary only render those. See {@code docs/report.md}.
 */
package org.ckcoop.eval.report;
