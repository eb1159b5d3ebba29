package org.ckcoop.eval.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.ckcoop.eval.report.ReportSection.Comparison;
import org.ckcoop.eval.report.ReportSection.Key;

/**
 * The JSON summary of a report ({@code summary.json}): every number of every section with how it was
 * made: seed aggregates with their mean, population and sample std, n of expected seeds, the seeds,
 * each seed's value and the run files; derived values with the runs behind them; the published
 * numbers beside ours and the differences; notes and warnings. Cells that show {@code diverged} are
 * listed under {@code divergedCells} (only when there are any) with the diverged run files behind
 * them, never as numbers. Fields come in a fixed order; NaN is written as {@code null}.
 */
final class ReportSummary {
  /** The summary's format version. */
  static final int FORMAT = 1;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReportSummary() {}

  static String json(Report report) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("metric", report.options().metric().optionName());
    root.put("std", "population standard deviation over seeds (ddof=0), as numpy.std in CoOp's parse_test_res.py;"
        + " sampleStd is the n-1 (ddof=1) one");
    root.put("hm", "base-to-new: HM = 2*base*new/(base+new) of the seed means; the Average row averages base and new over"
        + " the datasets and takes the HM of those averages");
    ArrayNode warnings = root.putArray("warnings");
    for (ReportWarning w : report.warnings()) {
      ObjectNode node = warnings.addObject();
      node.put("file", w.source());
      node.put("message", w.message());
    }
    ArrayNode sections = root.putArray("sections");
    for (ReportSection s : report.sections()) {
      ObjectNode node = sections.addObject();
      node.put("title", s.title());
      node.put("stem", s.stem());
      node.put("study", s.study());
      node.put("protocol", s.protocol().fileName());
      ObjectNode backbone = node.putObject("backbone");
      backbone.put("identity", s.backbone().identity());
      backbone.put("architecture", s.backbone().architecture());
      backbone.put("name", s.backbone().name());
      if (s.sourceDataset().isPresent()) {
        node.put("sourceDataset", s.sourceDataset().get());
      } else {
        node.putNull("sourceDataset");
      }
      if (s.shots().isPresent()) {
        node.put("shots", s.shots().get());
      } else {
        node.putNull("shots");
      }
      ArrayNode seeds = node.putArray("seeds");
      s.seeds().forEach(seeds::add);
      ArrayNode variants = node.putArray("variants");
      s.variants().forEach(v -> variants.addObject().put("name", v.name()).put("learner", v.learner()).put("trains", v.trains()));
      ArrayNode datasets = node.putArray("datasets");
      s.datasets().forEach(datasets::add);
      if (s.protocol() == ReportProtocol.FEW_SHOT) {
        ArrayNode shots = node.putArray("shotCounts");
        s.shotCounts().forEach(shots::add);
      }
      ArrayNode cells = node.putArray("cells");
      for (Map.Entry<Key, Figure> e : s.figures().entrySet()) {
        cells.add(cell(e.getKey(), e.getValue(), s.protocol()));
      }
      ArrayNode diverged = s.divergedCells().isEmpty() ? null : node.putArray("divergedCells");
      s.divergedCells().forEach((key, runs) -> {
        ObjectNode d = diverged.addObject();
        d.put("variant", key.variant());
        d.put("dataset", key.dataset());
        d.put("quantity", key.quantity());
        if (s.protocol() == ReportProtocol.FEW_SHOT) {
          d.put("shots", key.shots());
        }
        ArrayNode files = d.putArray("divergedRuns");
        runs.forEach(files::add);
      });
      if (s.publishedTable().isPresent()) {
        PublishedNumbers.Table t = s.publishedTable().get();
        node.putObject("published").put("table", t.id()).put("source", t.source()).put("status", t.status())
            .put("backbone", t.backbone()).put("shots", t.shots());
      } else {
        node.putNull("published");
      }
      ArrayNode comparisons = node.putArray("comparisons");
      for (Comparison c : s.comparisons().values()) {
        ObjectNode cn = comparisons.addObject();
        cn.put("variant", c.key().variant());
        cn.put("dataset", c.key().dataset());
        cn.put("quantity", c.key().quantity());
        cn.put("method", c.method());
        cn.put("tableDataset", c.tableDataset());
        cn.put("published", c.published());
        number(cn, "ours", c.ours().map(Figure::value).orElse(Double.NaN));
        number(cn, "difference", c.difference().orElse(Double.NaN));
      }
      ArrayNode notes = node.putArray("notes");
      s.notes().forEach(notes::add);
    }
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode cell(Key key, Figure f, ReportProtocol protocol) {
    ObjectNode n = JSON.createObjectNode();
    n.put("variant", key.variant());
    n.put("dataset", key.dataset());
    n.put("quantity", key.quantity());
    if (protocol == ReportProtocol.FEW_SHOT) {
      n.put("shots", key.shots());
    }
    n.put("derived", f.derived());
    if (f.derived()) {
      n.put("value", f.value());
    } else {
      n.put("mean", f.value());
      n.put("std", f.std());
      number(n, "sampleStd", f.sampleStd());
    }
    n.put("n", f.n());
    n.put("expected", f.expected());
    n.put("complete", !f.incomplete());
    if (!f.derived()) {
      ArrayNode seeds = n.putArray("seeds");
      f.seeds().forEach(seeds::add);
      ArrayNode values = n.putArray("values");
      f.values().forEach(values::add);
    }
    ArrayNode runs = n.putArray("runs");
    f.runs().forEach(runs::add);
    return n;
  }

  private static void number(ObjectNode node, String field, double v) {
    if (Double.isNaN(v)) {
      node.putNull(field);
    } else {
      node.put(field, v);
    }
  }
}
