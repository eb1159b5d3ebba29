package org.ckcoop.eval.report;

/** Renders a {@link ReportTable} as text in one file format. Output is deterministic: same table, same text. */
public interface TableFormat {
  /** Returns the table as text, ending with a line break. */
  String render(ReportTable table);

  /** Returns the file extension, without the dot. */
  String extension();

  /** Markdown (GitHub tables, columns padded so the text also reads on a console). */
  TableFormat MARKDOWN = new MarkdownFormat();
  /** CSV: numbers only; a value column holding seed aggregates is followed by its std and n columns. */
  TableFormat CSV = new CsvFormat();
  /** LaTeX: a booktabs {@code table} with caption and label. */
  TableFormat LATEX = new LatexFormat();

  /** Returns the seed marker of an incomplete figure ({@code n=2/3}), or an empty string. */
  static String seedMarker(Figure f) {
    return f.incomplete() ? "n=" + f.n() + "/" + f.expected() : "";
  }
}
