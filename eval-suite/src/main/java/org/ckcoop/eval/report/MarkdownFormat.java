package org.ckcoop.eval.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Markdown tables. A figure reads {@code 82.69 ± 0.41} (mean ± population std over seeds; the std is
 * left out with a single seed and for derived values), followed by {@code (n=2/3)} when fewer seeds
 * contributed than a complete cell has; a missing number is {@code -}; differences carry a sign. The
 * dataset label is written only on the first row of its group.
 */
final class MarkdownFormat implements TableFormat {
  @Override
  public String render(ReportTable table) {
    int labels = table.labelHeaders().size();
    List<List<String>> lines = new ArrayList<>();
    List<String> header = new ArrayList<>(table.labelHeaders());
    header.addAll(table.valueHeaders());
    lines.add(header.stream().map(MarkdownFormat::escape).toList());
    for (ReportTable.Row row : table.rows()) {
      List<String> line = new ArrayList<>();
      for (int i = 0; i < labels; i++) {
        line.add(i == 0 && labels > 1 && !row.startsGroup() ? "" : escape(row.labels().get(i)));
      }
      row.cells().forEach(c -> line.add(cell(c)));
      lines.add(line);
    }
    int columns = header.size();
    int[] width = new int[columns];
    for (List<String> line : lines) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(Math.max(width[i], line.get(i).length()), 3);
      }
    }
    StringBuilder out = new StringBuilder();
    for (int r = 0; r < lines.size(); r++) {
      List<String> line = lines.get(r);
      out.append('|');
      for (int i = 0; i < columns; i++) {
        out.append(' ').append(i < labels ? padRight(line.get(i), width[i]) : padLeft(line.get(i), width[i])).append(" |");
      }
      out.append('\n');
      if (r == 0) {
        out.append('|');
        for (int i = 0; i < columns; i++) {
          out.append(i < labels ? ":" + "-".repeat(width[i] + 1) : "-".repeat(width[i] + 1) + ":").append('|');
        }
        out.append('\n');
      }
    }
    return out.toString();
  }

  @Override
  public String extension() {
    return "md";
  }

  static String cell(ReportTable.Cell c) {
    switch (c.kind()) {
      case FIGURE: {
        Figure f = c.figure();
        String text = Numbers.fixed2(f.value());
        if (f.hasSpread()) {
          text += " ± " + Numbers.fixed2(f.std());
        }
        String marker = TableFormat.seedMarker(f);
        return marker.isEmpty() ? text : text + " (" + marker + ")";
      }
      case PUBLISHED:
        return Numbers.fixed2(c.value());
      case DIFFERENCE:
        return Numbers.signed2(c.value());
      case DIVERGED:
        return ReportTable.Cell.DIVERGED_TEXT;
      default:
        return "-";
    }
  }

  private static String escape(String s) {
    return s.replace("|", "\\|");
  }

  private static String padRight(String s, int width) {
    return s + " ".repeat(width - s.length());
  }

  private static String padLeft(String s, int width) {
    return " ".repeat(width - s.length()) + s;
  }
}
