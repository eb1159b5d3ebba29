package org.ckcoop.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SummaryTest {
  @Test
  void oddCountsTakeTheMiddleValue() {
    Summary s = Summary.of(3.0, 1.0, 2.0);
    assertThat(s.min()).isEqualTo(1.0);
    assertThat(s.median()).isEqualTo(2.0);
    assertThat(s.max()).isEqualTo(3.0);
  }

  @Test
  void evenCountsAverageTheTwoMiddleValuesAsPythonsStatisticsMedian() {
    assertThat(Summary.median(4.0, 1.0, 3.0, 2.0)).isEqualTo(2.5);
    assertThat(Summary.of(0.5, 0.25).median()).isEqualTo(0.375);
  }

  @Test
  void theInputIsNotReordered() {
    double[] values = {3.0, 1.0, 2.0};
    Summary.of(values);
    assertThat(values).containsExactly(3.0, 1.0, 2.0);
  }

  @Test
  void ratiosArePairedPerRepeat() {
    double[] anchor = {1.0, 3.0, 2.0};
    double[] ckcoop = {0.5, 1.0, 4.0};
    assertThat(Summary.ratios(anchor, ckcoop)).containsExactly(2.0, 3.0, 0.5);
    Summary s = Summary.of(Summary.ratios(anchor, ckcoop));
    assertThat(s.min()).isEqualTo(0.5);
    assertThat(s.median()).isEqualTo(2.0);
    assertThat(s.max()).isEqualTo(3.0);
    // the median of the paired ratios is not the ratio of the medians (2.0 / 1.0 = 2 here too, but):
    assertThat(Summary.of(Summary.ratios(new double[] {1, 10}, new double[] {2, 2})).median()).isCloseTo(2.75, within(1e-12));
  }

  @Test
  void emptyUnpairedOrNonPositiveInputsAreRefused() {
    assertThatThrownBy(() -> Summary.of()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Summary.of(1.0, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Summary.ratios(new double[] {1}, new double[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Summary.ratios(new double[] {1}, new double[] {0}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
  }
}
