package org.ckcoop.eval.report;

import static org.ckcoop.eval.report.ReportSection.ACCURACY;
import static org.ckcoop.eval.report.ReportSection.AVERAGE;
import static org.ckcoop.eval.report.ReportSection.BASE;
import static org.ckcoop.eval.report.ReportSection.HM;
import static org.ckcoop.eval.report.ReportSection.NEW;
import static org.ckcoop.eval.report.ReportSection.TARGET_AVERAGE;

import java.util.ArrayList;
import java.util.List;
import org.ckcoop.eval.report.ReportSection.Comparison;
import org.ckcoop.eval.report.ReportSection.Key;
import org.ckcoop.eval.report.ReportSection.Variant;
import org.ckcoop.eval.report.ReportTable.Cell;

/**
 * Lays a section out in the papers' shapes. A section's numbers form groups (a dataset, or the
 * average) of entries (Base/New/HM for base-to-new, a shot count for few-shot; for transfer one group
 * whose entries are the source, each target and the target average), and series (each variant, and
 * after a variant with published numbers the published method and the difference).
 *
 * <ul>
 *   <li>learners as columns: a row per group and entry, a column per series;
 *   <li>learners as rows: a row per group and series, a column per entry.
 * </ul>
 */
final class SectionTables {
  private SectionTables() {}

  private enum SeriesKind { OURS, PUBLISHED, DIFFERENCE }

  private record Series(SeriesKind kind, Variant variant, String method, String label) {}

  private record Entry(String dataset, String quantity, int shots, String label) {}

  private record Group(String label, List<Entry> entries) {}

  /** Returns the section as a table in the given layout. */
  static ReportTable table(ReportSection section, TableLayout layout) {
    List<Series> series = series(section);
    List<Group> groups = groups(section);
    boolean singleGroup = section.protocol().transfers();
    String entryHeader = switch (section.protocol()) {
      case BASE2NEW -> "Set";
      case FEW_SHOT -> "Shots";
      case CROSS_DATASET, DOMAIN_GENERALIZATION -> "Dataset";
    };
    List<ReportTable.Row> rows = new ArrayList<>();
    if (layout == TableLayout.LEARNERS_AS_COLUMNS) {
      List<String> labelHeaders = singleGroup ? List.of(entryHeader) : List.of("Dataset", entryHeader);
      for (Group g : groups) {
        boolean first = true;
        for (Entry e : g.entries()) {
          List<Cell> cells = series.stream().map(s -> cell(section, s, e)).toList();
          rows.add(new ReportTable.Row(singleGroup ? List.of(e.label()) : List.of(g.label(), e.label()), cells, first));
          first = false;
        }
      }
      return new ReportTable(section.title(), labelHeaders, series.stream().map(Series::label).toList(), rows);
    }
    List<String> labelHeaders = singleGroup ? List.of("Learner") : List.of("Dataset", "Learner");
    List<Entry> columns = groups.get(0).entries();
    for (Group g : groups) {
      boolean first = true;
      for (Series s : series) {
        List<Cell> cells = g.entries().stream().map(e -> cell(section, s, e)).toList();
        rows.add(new ReportTable.Row(singleGroup ? List.of(s.label()) : List.of(g.label(), s.label()), cells, first));
        first = false;
      }
    }
    return new ReportTable(section.title(), labelHeaders, columns.stream().map(Entry::label).toList(), rows);
  }

  private static List<Series> series(ReportSection section) {
    List<Series> out = new ArrayList<>();
    for (Variant v : section.variants()) {
      out.add(new Series(SeriesKind.OURS, v, null, v.name()));
      String method = section.comparisons().values().stream().filter(c -> c.key().variant().equals(v.name()))
          .map(Comparison::method).findFirst().orElse(null);
      if (method != null) {
        out.add(new Series(SeriesKind.PUBLISHED, v, method, method + " (published)"));
        out.add(new Series(SeriesKind.DIFFERENCE, v, method, "Δ " + v.name()));
      }
    }
    return out;
  }

  private static List<Group> groups(ReportSection section) {
    List<Group> groups = new ArrayList<>();
    switch (section.protocol()) {
      case BASE2NEW -> {
        for (String d : withAverage(section.datasets())) {
          groups.add(new Group(d, List.of(new Entry(d, BASE, 0, "Base"), new Entry(d, NEW, 0, "New"), new Entry(d, HM, 0, "HM"))));
        }
      }
      case FEW_SHOT -> {
        for (String d : withAverage(section.datasets())) {
          groups.add(new Group(d, section.shotCounts().stream().map(k -> new Entry(d, ACCURACY, k, shotsLabel(k))).toList()));
        }
      }
      case CROSS_DATASET, DOMAIN_GENERALIZATION -> {
        List<Entry> entries = new ArrayList<>();
        for (String d : section.datasets()) {
          boolean source = section.sourceDataset().map(d::equals).orElse(false);
          entries.add(new Entry(d, ACCURACY, 0, source ? d + " (source)" : d));
        }
        if (section.sourceDataset().isPresent()) {
          entries.add(new Entry(TARGET_AVERAGE, ACCURACY, 0, TARGET_AVERAGE));
        }
        groups.add(new Group("", entries));
      }
      default -> throw new IllegalStateException(section.protocol().toString());
    }
    return groups;
  }

  /** Returns the datasets and, when there are several, the average over them. */
  private static List<String> withAverage(List<String> datasets) {
    List<String> names = new ArrayList<>(datasets);
    if (datasets.size() > 1) {
      names.add(AVERAGE);
    }
    return names;
  }

  /** Returns a shot count's label: {@code zero-shot}, {@code 1-shot}, {@code 16-shot}. */
  static String shotsLabel(int shots) {
    return shots == 0 ? "zero-shot" : shots + "-shot";
  }

  private static Cell cell(ReportSection section, Series s, Entry e) {
    Key key = new Key(s.variant().name(), e.dataset(), e.quantity(), e.shots());
    switch (s.kind()) {
      case OURS:
        if (section.diverged(key)) {
          return Cell.DIVERGED;
        }
        return section.figure(key).map(Cell::of).orElse(Cell.MISSING);
      case PUBLISHED: {
        Comparison c = section.comparisons().get(key);
        return c == null ? Cell.MISSING : Cell.published(c.published());
      }
      case DIFFERENCE: {
        Comparison c = section.comparisons().get(key);
        return c == null || c.difference().isEmpty() ? Cell.MISSING : Cell.difference(c.difference().getAsDouble());
      }
      default:
        throw new IllegalStateException(s.kind().toString());
    }
  }
}
