package org.ckcoop.eval.report;

import java.util.List;

/**
 * A section laid out as a table, independent of the file format: label columns on the left (dataset,
 * set, learner...), then value columns whose cells are numbers with their kind. The formats
 * ({@link MarkdownFormat}, {@link CsvFormat}, {@link LatexFormat}) only render it.
 *
 * @param title the section's title
 * @param labelHeaders the headers of the label columns
 * @param valueHeaders the headers of the value columns
 * @param rows the rows, in order
 */
public record ReportTable(String title, List<String> labelHeaders, List<String> valueHeaders, List<Row> rows) {
  /** Copies the lists. */
  public ReportTable {
    labelHeaders = List.copyOf(labelHeaders);
    valueHeaders = List.copyOf(valueHeaders);
    rows = List.copyOf(rows);
  }

  /**
   * One row.
   *
   * @param labels one per label column
   * @param cells one per value column
   * @param startsGroup whether a new group (dataset) begins here (a rule is drawn above it in LaTeX)
   */
  public record Row(List<String> labels, List<Cell> cells, boolean startsGroup) {
    /** Copies the lists. */
    public Row {
      labels = List.copyOf(labels);
      cells = List.copyOf(cells);
    }
  }

  /** What a cell holds. */
  public enum Kind {
    /** Nothing: the number does not exist (no run, or an average over incomplete data). */
    MISSING,
    /** One of our figures (a seed aggregate or a derived value). */
    FIGURE,
    /** A published number. */
    PUBLISHED,
    /** Ours minus published. */
    DIFFERENCE,
    /** No number: a run it depends on diverged (the cell reads {@code diverged}, never a number). */
    DIVERGED
  }

  /**
   * One cell.
   *
   * @param kind what it holds
   * @param value the number (the figure's value for {@link Kind#FIGURE}; NaN when missing)
   * @param figure the figure, for {@link Kind#FIGURE}; else {@code null}
   */
  public record Cell(Kind kind, double value, Figure figure) {
    /** The empty cell. */
    public static final Cell MISSING = new Cell(Kind.MISSING, Double.NaN, null);
    /** The cell of a number whose run (or one of whose parts' runs) diverged. */
    public static final Cell DIVERGED = new Cell(Kind.DIVERGED, Double.NaN, null);
    /** The text a diverged cell shows in every format. */
    public static final String DIVERGED_TEXT = "diverged";

    /** Returns a cell showing one of our figures. */
    public static Cell of(Figure figure) {
      return new Cell(Kind.FIGURE, figure.value(), figure);
    }

    /** Returns a cell showing a published number. */
    public static Cell published(double value) {
      return new Cell(Kind.PUBLISHED, value, null);
    }

    /** Returns a cell showing a difference. */
    public static Cell difference(double value) {
      return new Cell(Kind.DIFFERENCE, value, null);
    }
  }

  /** Returns whether a value column holds at least one seed aggregate (then CSV adds its std and n columns). */
  public boolean hasSeedAggregates(int column) {
    return rows.stream().map(r -> r.cells().get(column)).anyMatch(c -> c.kind() == Kind.FIGURE);
  }
}
