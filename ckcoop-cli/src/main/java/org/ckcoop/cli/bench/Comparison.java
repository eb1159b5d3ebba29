package org.ckcoop.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The measured side-by-side table: per workload the per-repeat times of both sides (each the median
 * of that repeat's timed steps), the paired ratios (anchor / ckcoop: how many times faster ckcoop
 * is), the target and whether the median ratio meets it; and per workload the achieved GFLOP/s
 * against each side's matmul peak.
 */
public final class Comparison {
  /**
   * One workload's measurements.
   *
   * @param workload what was measured
   * @param ckcoop ckcoop's seconds per unit, one per repeat
   * @param anchor the anchor's seconds per unit, one per repeat (paired with {@code ckcoop})
   * @param flops the matrix-product FLOPs of one unit
   */
  public record Row(Workload workload, double[] ckcoop, double[] anchor, double flops) {
    /** Returns the paired ratios anchor / ckcoop. */
    public Summary ratio() {
      return Summary.of(Summary.ratios(anchor, ckcoop));
    }

    /** Returns whether the median ratio meets the target. */
    public boolean holds() {
      return ratio().median() >= workload.target();
    }

    /** Returns ckcoop's achieved GFLOP/s (median time). */
    public double ckcoopGflops() {
      return flops / Summary.median(ckcoop) / 1e9;
    }

    /** Returns the anchor's achieved GFLOP/s (median time). */
    public double anchorGflops() {
      return flops / Summary.median(anchor) / 1e9;
    }
  }

  private final List<Row> rows = new ArrayList<>();
  private double djlPeak = Double.NaN;
  private double torchPeak = Double.NaN;

  /** Adds a workload's row. */
  public void add(Row row) {
    rows.add(row);
  }

  /** Returns the rows in the order added. */
  public List<Row> rows() {
    return List.copyOf(rows);
  }

  /** Sets the matmul peaks in GFLOP/s (best of the repeats) through DJL and through the anchor's torch. */
  public void peaks(double djl, double torch) {
    this.djlPeak = djl;
    this.torchPeak = torch;
  }

  /**
   * Returns the CK-CoOp &le; CoOp check: the paired ratios CoOp time / CK-CoOp time on ckcoop's side
   * (at least 1 when CK-CoOp is no slower), or null without both rows.
   */
  public Summary ckcoopOverCoop() {
    Row coop = find(Workload.COOP);
    Row ck = find(Workload.CKCOOP);
    return coop == null || ck == null ? null : Summary.of(Summary.ratios(coop.ckcoop(), ck.ckcoop()));
  }

  private Row find(Workload w) {
    for (Row r : rows) {
      if (r.workload() == w) {
        return r;
      }
    }
    return null;
  }

  /** Returns the Markdown tables. */
  public String markdown() {
    StringBuilder b = new StringBuilder();
    b.append("| workload | ckcoop median | anchor median | ratio min / median / max | target | holds? |\n");
    b.append("| --- | ---: | ---: | ---: | ---: | --- |\n");
    for (Row r : rows) {
      Summary s = r.ratio();
      b.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f / %.2f / %.2f | >= %.1fx | %s |%n", r.workload().label(),
          time(Summary.median(r.ckcoop())), time(Summary.median(r.anchor())), s.min(), s.median(), s.max(),
          r.workload().target(), r.holds() ? "yes" : "no"));
    }
    Summary ck = ckcoopOverCoop();
    if (ck != null) {
      b.append(String.format(Locale.ROOT, "| CK-CoOp <= CoOp (CoOp time / CK-CoOp time, ckcoop) | | | %.2f / %.2f / %.2f "
          + "| >= 1.0x | %s |%n", ck.min(), ck.median(), ck.max(), ck.median() >= 1.0 ? "yes" : "no"));
    }
    b.append('\n');
    b.append(String.format(Locale.ROOT, "| workload | GFLOP per unit | ckcoop GFLOP/s | of DJL matmul peak (%.0f) "
        + "| anchor GFLOP/s | of torch matmul peak (%.0f) |%n", djlPeak, torchPeak));
    b.append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
    for (Row r : rows) {
      b.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %s | %.1f | %s |%n", r.workload().label(), r.flops() / 1e9,
          r.ckcoopGflops(), percent(r.ckcoopGflops(), djlPeak), r.anchorGflops(), percent(r.anchorGflops(), torchPeak)));
    }
    return b.toString();
  }

  /** Formats seconds as ms (below 10 s) or s. */
  static String time(double seconds) {
    return seconds < 10 ? String.format(Locale.ROOT, "%.0f ms", seconds * 1e3) : String.format(Locale.ROOT, "%.2f s", seconds);
  }

  private static String percent(double value, double peak) {
    return Double.isFinite(peak) && peak > 0 ? String.format(Locale.ROOT, "%.0f%%", 100 * value / peak) : "n/a";
  }
}
