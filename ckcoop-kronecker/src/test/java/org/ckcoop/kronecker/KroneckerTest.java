package org.ckcoop.kronecker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KroneckerTest {
  private static Engine engine;
  private static NDManager base;

  @BeforeAll
  static void startEngine() {
    engine = TestEngine.pytorch();
    base = engine.newBaseManager();
  }

  @AfterAll
  static void closeEngine() {
    base.close();
  }

  /** A matrix as Java data: rows x cols, row-major. */
  private record Mat(int rows, int cols, float[] v) {
    float at(int i, int j) {
      return v[i * cols + j];
    }
  }

  /** Reference: (A (x) B)[i*p + r, j*q + s] = A[i,j] * B[r,s], by explicit loops. */
  private static Mat kron(Mat a, Mat b) {
    int rows = a.rows() * b.rows();
    int cols = a.cols() * b.cols();
    float[] out = new float[rows * cols];
    for (int i = 0; i < a.rows(); i++) {
      for (int j = 0; j < a.cols(); j++) {
        for (int r = 0; r < b.rows(); r++) {
          for (int s = 0; s < b.cols(); s++) {
            out[(i * b.rows() + r) * cols + j * b.cols() + s] = a.at(i, j) * b.at(r, s);
          }
        }
      }
    }
    return new Mat(rows, cols, out);
  }

  private static Mat random(Random random, FactorShape shape) {
    float[] v = new float[shape.parameterCount()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return new Mat(shape.rows(), shape.cols(), v);
  }

  static Stream<Arguments> shapes() {
    return Stream.of(
        Arguments.of("3x5"),
        Arguments.of("2x3,4x2"),
        Arguments.of("2x3,3x2,2x2"),
        Arguments.of("2x1,1x3,3x2,2x2"),
        Arguments.of("4x2,2x3,2x2,1x2"),
        Arguments.of("8x8,8x8,4x8"));
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void matchesTheExplicitLoop(String text) {
    KroneckerShape shape = KroneckerShape.parse(text);
    Random random = new Random(text.hashCode());
    List<Mat> mats = new ArrayList<>();
    for (FactorShape f : shape.factors()) {
      mats.add(random(random, f));
    }
    Mat expected = mats.get(0);
    for (int p = 1; p < mats.size(); p++) {
      expected = kron(expected, mats.get(p));
    }
    try (NDManager owner = base.newSubManager();
        NDManager step = base.newSubManager()) {
      List<NDArray> factors = new ArrayList<>();
      for (Mat m : mats) {
        factors.add(owner.create(m.v(), new Shape(m.rows(), m.cols())));
      }
      NDArray k = Kronecker.product(step, factors);
      assertThat(k.getShape()).isEqualTo(new Shape(shape.rows(), shape.cols()));
      float[] got = k.toFloatArray();
      for (int i = 0; i < got.length; i++) {
        assertThat(got[i]).as("entry %d", i).isCloseTo(expected.v()[i], within(1e-5f * (1 + Math.abs(expected.v()[i]))));
      }
    }
  }

  @Test
  void usesTheStandardOrder() {
    try (NDManager m = base.newSubManager()) {
      NDArray a = m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
      NDArray b = m.create(new float[] {0, 5, 6, 7}, new Shape(2, 2));
      assertThat(Kronecker.pair(a, b).toFloatArray())
          .containsExactly(
              0, 5, 0, 10,
              6, 7, 12, 14,
              0, 15, 0, 20,
              18, 21, 24, 28);
    }
  }

  @Test
  void batchedAndBroadcastProductsMatchTheirSlices() {
    Random random = new Random(3);
    try (NDManager m = base.newSubManager()) {
      NDArray a = m.randomNormal(new Shape(3, 2, 3));
      NDArray b = m.randomNormal(new Shape(3, 4, 2));
      NDArray c = m.create(random(random, new FactorShape(2, 2)).v(), new Shape(2, 2));
      NDArray batched = Kronecker.product(m, List.of(a, b, c));
      assertThat(batched.getShape()).isEqualTo(new Shape(3, 16, 12));
      NDArray broadcast = Kronecker.pair(a, c); // [3, 2, 3] (x) [2, 2]
      assertThat(broadcast.getShape()).isEqualTo(new Shape(3, 4, 6));
      for (int i = 0; i < 3; i++) {
        NDArray one = Kronecker.product(m, List.of(a.get(i), b.get(i), c));
        assertThat(batched.get(i).toFloatArray()).containsExactly(one.toFloatArray());
        assertThat(broadcast.get(i).toFloatArray()).containsExactly(Kronecker.pair(a.get(i), c).toFloatArray());
      }
    }
  }

  @Test
  void isAssociative() {
    try (NDManager m = base.newSubManager()) {
      NDArray a = m.randomNormal(new Shape(2, 3));
      NDArray b = m.randomNormal(new Shape(3, 1));
      NDArray c = m.randomNormal(new Shape(2, 4));
      float[] left = Kronecker.pair(Kronecker.pair(a, b), c).toFloatArray();
      float[] right = Kronecker.pair(a, Kronecker.pair(b, c)).toFloatArray();
      for (int i = 0; i < left.length; i++) {
        assertThat(left[i]).isCloseTo(right[i], within(1e-5f));
      }
    }
  }

  @Test
  void attachesNothingToTheFactorsManager() {
    KroneckerShape shape = KroneckerShape.parse("4x2,2x3,2x2");
    try (NDManager parameters = base.newSubManager()) {
      NDList factors = KroneckerInit.withSeed(1).create(parameters, shape);
      int before = parameters.getManagedArrays().size();
      parameters.cap(); // any attachment to it now throws
      for (int step = 0; step < 5; step++) {
        try (NDManager stepManager = base.newSubManager()) {
          NDArray k = Kronecker.product(stepManager, factors);
          assertThat(k.getManager()).isSameAs(stepManager);
          assertThat(k.getShape()).isEqualTo(new Shape(16, 12));
        }
      }
      assertThat(parameters.getManagedArrays()).hasSize(before);
      assertThat(factors.get(1).toFloatArray()).hasSize(6); // still valid
    }
  }

  @Test
  void singleFactorIsANewHandleOnTheTarget() {
    try (NDManager m = base.newSubManager()) {
      NDArray a = m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
      NDArray k = Kronecker.product(m, List.of(a));
      assertThat(k).isNotSameAs(a);
      k.close();
      assertThat(a.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
    }
  }

  @Test
  void zeroFirstFactorGetsGradientAndTheOthersNone() {
    KroneckerShape shape = KroneckerShape.parse("4x2,2x3,2x2");
    try (NDManager parameters = base.newSubManager()) {
      NDList factors = KroneckerInit.withSeed(5).create(parameters, shape);
      factors.forEach(f -> f.setRequiresGradient(true));
      float[] g = new float[shape.rows() * shape.cols()];
      Random random = new Random(11);
      for (int i = 0; i < g.length; i++) {
        g[i] = (float) random.nextGaussian();
      }
      try (NDManager step = base.newSubManager()) {
        NDArray upstream = step.create(g, new Shape(shape.rows(), shape.cols()));
        try (GradientCollector collector = engine.newGradientCollector()) {
          NDArray k = Kronecker.product(step, factors);
          assertThat(k.abs().max().getFloat()).isZero(); // K = 0 at the start
          collector.backward(k.mul(upstream).sum());
        }
        // d/dA_1[i,j] sum(K * G) = sum_{r,s} G[i*p + r, j*q + s] * B[r,s], B = A_2 (x) A_3.
        Mat b = kron(
            new Mat(2, 3, factors.get(1).toFloatArray()), new Mat(2, 2, factors.get(2).toFloatArray()));
        try (NDArray grad = factors.get(0).getGradient()) {
          float[] got = grad.toFloatArray();
          for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 2; j++) {
              double expected = 0;
              for (int r = 0; r < b.rows(); r++) {
                for (int s = 0; s < b.cols(); s++) {
                  expected += g[(i * b.rows() + r) * shape.cols() + j * b.cols() + s] * b.at(r, s);
                }
              }
              assertThat((double) got[i * 2 + j]).isCloseTo(expected, within(1e-4 * (1 + Math.abs(expected))));
            }
          }
          assertThat(grad.abs().max().getFloat()).isPositive();
        }
        for (int p = 1; p < 3; p++) {
          try (NDArray grad = factors.get(p).getGradient()) {
            assertThat(grad.abs().max().getFloat()).as("factor %d", p).isZero();
          }
        }
      }
    }
  }

  @Test
  void gradientsFlowToEveryFactorOnceTheFirstIsNonZero() {
    try (NDManager m = base.newSubManager()) {
      NDArray a = m.randomNormal(new Shape(2, 2));
      NDArray b = m.randomNormal(new Shape(3, 2));
      a.setRequiresGradient(true);
      b.setRequiresGradient(true);
      try (NDManager step = m.newSubManager()) {
        try (GradientCollector collector = engine.newGradientCollector()) {
          collector.backward(Kronecker.product(step, List.of(a, b)).square().sum());
        }
      }
      assertThat(a.getGradient().abs().max().getFloat()).isPositive();
      assertThat(b.getGradient().abs().max().getFloat()).isPositive();
    }
  }

  @Test
  void rejectsNonMatrices() {
    try (NDManager m = base.newSubManager()) {
      NDArray vector = m.create(new float[] {1, 2});
      NDArray matrix = m.create(new float[] {1, 2}, new Shape(1, 2));
      assertThatThrownBy(() -> Kronecker.product(m, List.of(matrix, vector)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("factor 1 must be a matrix");
      assertThatThrownBy(() -> Kronecker.product(m, List.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at least one factor");
    }
  }
}
