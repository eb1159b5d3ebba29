package org.ckcoop.world.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The generator is SplitMix64 exactly, and its helpers draw in range and uniformly. */
class SplitMix64Test {

  @Test
  void producesTheReferenceSequence() {
    // Reference values of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
    SplitMix64 rng = new SplitMix64(0);
    assertThat(rng.nextLong()).isEqualTo(0xE220A8397B1DCDAFL);
    assertThat(rng.nextLong()).isEqualTo(0x6E789E6AA1B965F4L);
    assertThat(rng.nextLong()).isEqualTo(0x06C45D188009454FL);
  }

  @Test
  void examplesAreIndependentOfOrderAndDifferByEveryInput() {
    long a = SplitMix64.forExample(1, 2, 3).nextLong();
    assertThat(SplitMix64.forExample(1, 2, 3).nextLong()).isEqualTo(a);
    assertThat(SplitMix64.forExample(2, 2, 3).nextLong()).isNotEqualTo(a);
    assertThat(SplitMix64.forExample(1, 3, 3).nextLong()).isNotEqualTo(a);
    assertThat(SplitMix64.forExample(1, 2, 4).nextLong()).isNotEqualTo(a);
    assertThat(SplitMix64.streamOf("world_objects/test")).isEqualTo(SplitMix64.streamOf("world_objects/test"))
        .isNotEqualTo(SplitMix64.streamOf("world_objects/train"));
  }

  @Test
  void boundedDrawsAreInRangeAndRoughlyUniform() {
    SplitMix64 rng = new SplitMix64(42);
    int[] counts = new int[7];
    for (int i = 0; i < 70_000; i++) {
      counts[rng.nextInt(7)]++;
    }
    for (int c : counts) {
      assertThat(c).isBetween(9_500, 10_500);
    }
    for (int i = 0; i < 1000; i++) {
      double d = rng.nextDouble();
      assertThat(d).isGreaterThanOrEqualTo(0).isLessThan(1);
      assertThat(rng.uniform(-2, 3)).isGreaterThanOrEqualTo(-2).isLessThan(3);
    }
    assertThatThrownBy(() -> rng.nextInt(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
