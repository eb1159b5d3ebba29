package org.ckcoop.kronecker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KroneckerShapeTest {

  @Test
  void defaultsGiveTheIssuesParameterCount() {
    KroneckerShape shape = KroneckerShape.balanced(256, 512, 3);
    assertThat(shape.factors())
        .containsExactly(new FactorShape(8, 8), new FactorShape(8, 8), new FactorShape(4, 8));
    assertThat(shape.parameterCount()).isEqualTo(160);
    int nCtx = 4;
    assertThat(nCtx * shape.rows() + shape.parameterCount()).isEqualTo(1184);
    assertThat(shape.rows()).isEqualTo(256);
    assertThat(shape.cols()).isEqualTo(512);
    assertThat(shape.factorCount()).isEqualTo(3);
    assertThat(shape).hasToString("8x8,8x8,4x8");
  }

  @ParameterizedTest
  @CsvSource({
    "256, 3, 8 8 4",
    "512, 3, 8 8 8",
    "64, 3, 4 4 4",
    "128, 3, 8 4 4",
    "100, 3, 5 5 4",
    "144, 3, 6 6 4",
    "768, 3, 12 8 8",
    "360, 3, 9 8 5", // sum ties with 10 6 6 (22); the smaller largest factor wins
    "512, 2, 32 16",
    "1024, 2, 32 32",
    "256, 4, 4 4 4 4",
    "12, 2, 4 3",
    "7, 1, 7",
    "1, 1, 1",
    "8, 3, 2 2 2"
  })
  void balancedFactorsFollowTheDocumentedRule(int n, int p, String expected) {
    int[] want = Arrays.stream(expected.split(" ")).mapToInt(Integer::parseInt).toArray();
    assertThat(KroneckerShape.balancedFactors(n, p)).containsExactly(want);
  }

  @Test
  void impossibleSplitsAreClearErrors() {
    assertThatThrownBy(() -> KroneckerShape.balancedFactors(7, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot split n = 7 into P = 2 factors of at least 2")
        .hasMessageContaining("1 prime factor");
    assertThatThrownBy(() -> KroneckerShape.balanced(256, 509, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("d (the width) = 509");
    assertThat(KroneckerShape.balanced(12, 512, 3)).hasToString("3x8,2x8,2x8"); // 12 = 3*2*2 works
    assertThatThrownBy(() -> KroneckerShape.balanced(18, 512, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k = 18")
        .hasMessageContaining("3 prime factor");
    assertThatThrownBy(() -> KroneckerShape.balanced(256, 512, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("P must be >= 1");
    assertThatThrownBy(() -> KroneckerShape.balancedFactors(0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(">= 1");
    assertThatThrownBy(() -> KroneckerShape.balancedFactors(1_000_003, 2)) // a large prime: fast
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void explicitShapesMustBuildTheRequiredMatrix() {
    List<FactorShape> factors = List.of(new FactorShape(8, 8), new FactorShape(8, 8), new FactorShape(2, 8));
    assertThatThrownBy(() -> KroneckerShape.of(256, 512, factors))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("8x8,8x8,2x8")
        .hasMessageContaining("128 x 512 matrix")
        .hasMessageContaining("256 x 512 (k x width)");
    KroneckerShape ok = KroneckerShape.of(128, 512, factors);
    assertThat(ok.parameterCount()).isEqualTo(64 + 64 + 16);
    assertThat(KroneckerShape.of(List.of(new FactorShape(1, 512))).requireMatrix(1, 512).factorCount()).isEqualTo(1);
    assertThatThrownBy(() -> new FactorShape(0, 8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0x8");
    assertThatThrownBy(() -> new FactorShape(4, -2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1 row and 1 column");
    assertThatThrownBy(() -> KroneckerShape.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one factor");
    assertThatThrownBy(() -> KroneckerShape.of(new FactorShape(65536, 1), new FactorShape(65536, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exceeds");
  }

  @Test
  void parsesTheConfigurationForm() {
    assertThat(KroneckerShape.parse("8x8, 8X8 ,4x8")).isEqualTo(KroneckerShape.balanced(256, 512, 3));
    assertThat(FactorShape.parse(" 4 x 16 ")).isEqualTo(new FactorShape(4, 16));
    assertThatThrownBy(() -> FactorShape.parse("8by8"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ROWSxCOLS");
    assertThatThrownBy(() -> FactorShape.parse("ax8"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'ax8'");
    assertThatThrownBy(() -> KroneckerShape.parse(" , "))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
