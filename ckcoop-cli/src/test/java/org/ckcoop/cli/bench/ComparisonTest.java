package org.ckcoop.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.ckcoop.backbone.checkpoint.RandomCheckpoints;
import org.ckcoop.backbone.text.ClipTokenizer;
import org.junit.jupiter.api.Test;

class ComparisonTest {
  @Test
  void ratiosAreAnchorOverCkcoopAndHoldAgainstTheMedian() {
    Comparison.Row faster = new Comparison.Row(Workload.COOP, new double[] {0.2, 0.25, 0.3}, new double[] {0.6, 0.5, 0.45}, 84e9);
    assertThat(faster.ratio().min()).isEqualTo(1.5);
    assertThat(faster.ratio().median()).isEqualTo(2.0);
    assertThat(faster.ratio().max()).isCloseTo(3.0, within(1e-12));
    assertThat(faster.holds()).isTrue();
    assertThat(faster.ckcoopGflops()).isCloseTo(84e9 / 0.25 / 1e9, within(1e-9));
    assertThat(faster.anchorGflops()).isCloseTo(84e9 / 0.5 / 1e9, within(1e-9));
    Comparison.Row tower = new Comparison.Row(Workload.IMAGE_TOWER, new double[] {10}, new double[] {9}, 1e12);
    assertThat(tower.holds()).isFalse(); // 0.9 < 1
    Comparison.Row pipeline = new Comparison.Row(Workload.IMAGE_PIPELINE, new double[] {10}, new double[] {9}, 1e12);
    assertThat(pipeline.holds()).isTrue(); // 0.9 >= 0.8
  }

  @Test
  void theTableHasARowPerWorkloadTheCkCoOpCheckAndThePeaks() {
    Comparison c = new Comparison();
    c.add(new Comparison.Row(Workload.COOP, new double[] {0.5, 0.4, 0.6}, new double[] {1.0, 1.0, 1.0}, 83.5e9));
    c.add(new Comparison.Row(Workload.CKCOOP, new double[] {0.45, 0.5, 0.5}, new double[] {1.0, 1.1, 1.2}, 83.5e9));
    c.peaks(130, 210);
    assertThat(c.ckcoopOverCoop().median()).isCloseTo(0.5 / 0.45, within(1e-12)); // 0.5/0.45, 0.4/0.5, 0.6/0.5
    assertThat(c.ckcoopOverCoop().min()).isCloseTo(0.8, within(1e-12));
    String md = c.markdown();
    assertThat(md).contains("| CoOp step | 500 ms | 1000 ms | 1.67 / 2.00 / 2.50 | >= 2.0x | yes |");
    assertThat(md).contains("| CK-CoOp step | 500 ms | 1100 ms | 2.20 / 2.22 / 2.40 | >= 2.0x | yes |");
    assertThat(md).contains("| CK-CoOp <= CoOp (CoOp time / CK-CoOp time, ckcoop) | | | 0.80 / 1.11 / 1.20 | >= 1.0x | yes |");
    assertThat(md).contains("of DJL matmul peak (130)").contains("of torch matmul peak (210)");
    // 83.5 GFLOP in 0.5 s = 167 GFLOP/s = 128% of 130; the anchor's 83.5 in 1.0 s = 83.5 = 40% of 210
    assertThat(md).contains("| CoOp step | 83.5 | 167.0 | 128% | 83.5 | 40% |");
  }

  @Test
  void timesPrintInMillisecondsBelowTenSeconds() {
    assertThat(Comparison.time(0.0123)).isEqualTo("12 ms");
    assertThat(Comparison.time(9.4)).isEqualTo("9400 ms");
    assertThat(Comparison.time(12.345)).isEqualTo("12.35 s");
  }

  @Test
  void workloadsAreNamedAsOnTheCommandLine() {
    assertThat(Workload.of("image-pipeline")).isEqualTo(Workload.IMAGE_PIPELINE);
    assertThat(Workload.of(" MAPLE ")).isEqualTo(Workload.MAPLE);
    assertThatThrownBy(() -> Workload.of("ivlp")).hasMessageContaining("unknown workload 'ivlp'").hasMessageContaining("promptsrc");
    assertThat(Workload.values()).filteredOn(Workload::isStep).extracting(Workload::learner)
        .containsExactly("coop", "kgcoop", "ckcoop", "prograd", "cocoop", "maple", "promptsrc");
  }

  @Test
  void thePromptLengthIsTheLongestTextsTokensWithStartAndEnd() {
    ClipTokenizer tokenizer = ClipTokenizer.of(RandomCheckpoints.smallVocabulary());
    String text = "a photo of a red circle 34.";
    int ids = tokenizer.encode(text).length;
    assertThat(CompareRunner.promptLength(tokenizer, java.util.List.of("a.", text))).isEqualTo(ids + 2);
    long[][] rows = tokenizer.tokenize(java.util.List.of(text), 77);
    assertThat(tokenizer.eotPositions(rows)[0] + 1).isEqualTo(ids + 2); // what the text tower's EOT cut keeps
  }
}
