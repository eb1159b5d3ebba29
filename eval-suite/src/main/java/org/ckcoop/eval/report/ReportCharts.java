package org.ckcoop.eval.report;

import static org.ckcoop.eval.report.ReportSection.ACCURACY;
import static org.ckcoop.eval.report.ReportSection.AVERAGE;
import static org.ckcoop.eval.report.ReportSection.BASE;
import static org.ckcoop.eval.report.ReportSection.HM;
import static org.ckcoop.eval.report.ReportSection.NEW;
import static org.ckcoop.eval.report.ReportSection.TARGET_AVERAGE;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.ckcoop.eval.report.ReportSection.Key;
import org.ckcoop.eval.report.ReportSection.Variant;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * PNG charts of a section (XChart, drawn headless): grouped bars, one bar per variant, the seed
 * spread (population std) as error bars. One panel per quantity, stacked vertically in one image of
 * {@link #PANEL_WIDTH} x ({@link #PANEL_HEIGHT} x panels) pixels:
 *
 * <ul>
 *   <li>base-to-new: Base, New and HM panels over the datasets (and the average);
 *   <li>transfer: one panel over the source, the targets and the target average;
 *   <li>few-shot: one panel per dataset (and the average) over the shot counts.
 * </ul>
 *
 * Derived values (HM, averages) have no error bar (a series without any spread is drawn without error
 * bars); a missing number has no bar.
 */
final class ReportCharts {
  /** Width of the image in pixels. */
  static final int PANEL_WIDTH = 960;
  /** Height of one panel in pixels. */
  static final int PANEL_HEIGHT = 440;

  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private ReportCharts() {}

  private record Panel(String title, List<String> categories, List<Key> keyTemplates) {}

  /** Returns the number of panels of a section's image. */
  static int panelCount(ReportSection section) {
    return panels(section).size();
  }

  /** Returns the section's charts as PNG bytes. */
  static byte[] png(ReportSection section, Metric metric) {
    List<Panel> panels = panels(section);
    BufferedImage image = new BufferedImage(PANEL_WIDTH, PANEL_HEIGHT * panels.size(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      for (int i = 0; i < panels.size(); i++) {
        AffineTransform saved = g.getTransform();
        g.translate(0, i * PANEL_HEIGHT);
        chart(section, panels.get(i), metric).paint(g, PANEL_WIDTH, PANEL_HEIGHT);
        g.setTransform(saved);
      }
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, "png", out)) {
        throw new IllegalStateException("no PNG writer in this Java runtime");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static List<Panel> panels(ReportSection s) {
    List<Panel> panels = new ArrayList<>();
    List<String> datasets = new ArrayList<>(s.datasets());
    switch (s.protocol()) {
      case BASE2NEW -> {
        if (datasets.size() > 1) {
          datasets.add(AVERAGE);
        }
        for (String[] q : new String[][] {{BASE, "Base"}, {NEW, "New"}, {HM, "HM"}}) {
          panels.add(new Panel(s.title() + " - " + q[1], datasets, datasets.stream().map(d -> new Key("", d, q[0], 0)).toList()));
        }
      }
      case CROSS_DATASET, DOMAIN_GENERALIZATION -> {
        List<Key> keys = new ArrayList<>(datasets.stream().map(d -> new Key("", d, ACCURACY, 0)).toList());
        if (s.sourceDataset().isPresent()) {
          datasets.add(TARGET_AVERAGE);
          keys.add(new Key("", TARGET_AVERAGE, ACCURACY, 0));
        }
        panels.add(new Panel(s.title(), datasets, keys));
      }
      case FEW_SHOT -> {
        if (datasets.size() > 1) {
          datasets.add(AVERAGE);
        }
        List<String> labels = s.shotCounts().stream().map(SectionTables::shotsLabel).toList();
        for (String d : datasets) {
          panels.add(new Panel(s.title() + " - " + d, labels, s.shotCounts().stream().map(k -> new Key("", d, ACCURACY, k)).toList()));
        }
      }
      default -> throw new IllegalStateException(s.protocol().toString());
    }
    return panels;
  }

  private static CategoryChart chart(ReportSection s, Panel panel, Metric metric) {
    CategoryChart chart = new CategoryChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(panel.title())
        .yAxisTitle(metric == Metric.TOP1 ? "top-1 accuracy (%)" : "mean per-class accuracy (%)").build();
    Styler st = chart.getStyler();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setXAxisLabelRotation(panel.categories().size() > 6 ? 30 : 0);
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(100.0);
    chart.getStyler().setErrorBarsColor(Color.BLACK);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotGridVerticalLinesVisible(false);
    st.setToolTipsEnabled(false);
    for (Variant v : s.variants()) {
      List<Double> values = new ArrayList<>();
      List<Double> errors = new ArrayList<>();
      for (Key template : panel.keyTemplates()) {
        Key key = new Key(v.name(), template.dataset(), template.quantity(), template.shots());
        Figure f = s.figure(key).orElse(null);
        values.add(f == null ? Double.NaN : f.value());
        errors.add(f != null && f.hasSpread() ? f.std() : 0.0);
      }
      if (errors.stream().anyMatch(e -> e > 0)) {
        chart.addSeries(v.name(), panel.categories(), values, errors);
      } else {
        chart.addSeries(v.name(), panel.categories(), values);
      }
    }
    return chart;
  }
}
