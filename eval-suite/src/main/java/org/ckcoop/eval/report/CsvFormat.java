package org.ckcoop.eval.report;

import java.util.ArrayList;
import java.util.List;

/**
 * CSV in the table's layout, numbers only: a value column that holds seed aggregates is followed by
 * {@code <header> std} (population std over seeds; empty with a single seed or for a derived value)
 * and {@code <header> n} ({@code seeds present/seeds expected}, e.g. {@code 2/3}); published numbers
 * and differences are plain; a missing number is an empty field. Labels are repeated on every row.
 * Fields are quoted as RFC 4180 says when needed; lines end with {@code \n}.
 */
final class CsvFormat implements TableFormat {
  @Override
  public String render(ReportTable table) {
    int values = table.valueHeaders().size();
    boolean[] expanded = new boolean[values];
    for (int i = 0; i < values; i++) {
      expanded[i] = table.hasSeedAggregates(i);
    }
    StringBuilder out = new StringBuilder();
    List<String> header = new ArrayList<>(table.labelHeaders());
    for (int i = 0; i < values; i++) {
      String h = table.valueHeaders().get(i);
      header.add(h);
      if (expanded[i]) {
        header.add(h + " std");
        header.add(h + " n");
      }
    }
    line(out, header);
    for (ReportTable.Row row : table.rows()) {
      List<String> fields = new ArrayList<>(row.labels());
      for (int i = 0; i < values; i++) {
        ReportTable.Cell c = row.cells().get(i);
        Figure f = c.figure();
        fields.add(switch (c.kind()) {
          case FIGURE -> Numbers.fixed2(c.value());
          case PUBLISHED -> Numbers.fixed2(c.value());
          case DIFFERENCE -> Numbers.signed2(c.value());
          case MISSING -> "";
          case DIVERGED -> ReportTable.Cell.DIVERGED_TEXT;
        });
        if (expanded[i]) {
          fields.add(f != null && f.hasSpread() ? Numbers.fixed2(f.std()) : "");
          fields.add(f != null ? f.n() + "/" + f.expected() : "");
        }
      }
      line(out, fields);
    }
    return out.toString();
  }

  @Override
  public String extension() {
    return "csv";
  }

  private static void line(StringBuilder out, List<String> fields) {
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(quote(fields.get(i)));
    }
    out.append('\n');
  }

  private static String quote(String field) {
    boolean needs = field.contains(",") || field.contains("\"") || field.contains("\n") || field.contains("\r")
        || (!field.isEmpty() && (Character.isWhitespace(field.charAt(0)) || Character.isWhitespace(field.charAt(field.length() - 1))));
    return needs ? "\"" + field.replace("\"", "\"\"") + "\"" : field;
  }
}
