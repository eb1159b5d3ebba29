package org.ckcoop.kronecker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KroneckerInitTest {
  private static final KroneckerShape DEFAULTS = KroneckerShape.balanced(256, 512, 3);

  @Test
  void firstFactorIsZeroAndTheOthersSeededNormals() {
    float[][] v = KroneckerInit.withSeed(0).values(DEFAULTS);
    assertThat(v).hasNumberOfRows(3);
    assertThat(v[0]).hasSize(64).containsOnly(0f);
    assertThat(v[1]).hasSize(64).doesNotContain(0f);
    assertThat(v[2]).hasSize(32).doesNotContain(0f);
  }

  @Test
  void sameSeedSameValuesOtherSeedOtherValues() {
    float[][] a = KroneckerInit.withSeed(42).values(DEFAULTS);
    float[][] b = KroneckerInit.withSeed(42).values(DEFAULTS);
    float[][] c = KroneckerInit.withSeed(43).values(DEFAULTS);
    for (int p = 0; p < 3; p++) {
      assertThat(b[p]).containsExactly(a[p]);
    }
    assertThat(c[1]).isNotEqualTo(a[1]);
    // Drawn from java.util.Random(seed): independent of the engine and stable across JVMs.
    Random random = new Random(42);
    assertThat(a[1][0]).isEqualTo((float) random.nextGaussian());
  }

  @Test
  void theOtherFactorsProductHasUnitScale() {
    KroneckerShape shape = KroneckerShape.parse("1x1,16x16,16x16");
    float[][] v = KroneckerInit.withSeed(3).values(shape);
    double sum = 0;
    double sumSq = 0;
    int n = 0;
    for (float x : v[1]) {
      for (float y : v[2]) {
        double e = (double) x * y;
        sum += e;
        sumSq += e * e;
        n++;
      }
    }
    double mean = sum / n;
    assertThat(sumSq / n - mean * mean).isBetween(0.7, 1.3);
    float[][] scaled = new KroneckerInit(3, 0.5).values(shape);
    assertThat(scaled[1][7]).isEqualTo(0.5f * v[1][7]); // halving is exact in float
  }

  @Test
  void createsEngineArraysWithTheShapesAndValues() {
    try (NDManager m = TestEngine.pytorch().newBaseManager()) {
      NDList factors = KroneckerInit.withSeed(7).create(m, DEFAULTS);
      float[][] v = KroneckerInit.withSeed(7).values(DEFAULTS);
      assertThat(factors).hasSize(3);
      for (int p = 0; p < 3; p++) {
        FactorShape f = DEFAULTS.factor(p);
        assertThat(factors.get(p).getShape()).isEqualTo(new Shape(f.rows(), f.cols()));
        assertThat(factors.get(p).toFloatArray()).containsExactly(v[p]);
      }
      assertThat(m.getManagedArrays()).hasSize(3); // the Java-backed temporaries are closed
    }
  }

  @Test
  void rejectsANonPositiveStd() {
    assertThatThrownBy(() -> new KroneckerInit(1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("std")
        .hasMessageContaining("(0, +inf)");
    assertThatThrownBy(() -> new KroneckerInit(1, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }
}
