package org.ckcoop.world.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Rendering speed of the pretraining distribution at 32 px on one thread. Not part of the default
 * build: run with {@code -Dtest=WorldRenderBenchmark -DexcludedGroups=gpu}.
 */
@Tag("benchmark")
class WorldRenderBenchmark {

  @Test
  void rendersAtLeastAThousandImagesPerSecondOnOneCore() {
    int n = 5000;
    for (int i = 0; i < 1000; i++) {
      SceneRenderer.render(SceneSampler.sample(SplitMix64.forExample(1, 0, i), SceneRequest.any()), 32);
    }
    long start = System.nanoTime();
    long sum = 0;
    for (int i = 0; i < n; i++) {
      sum += SceneRenderer.render(SceneSampler.sample(SplitMix64.forExample(1, 0, i), SceneRequest.any()), 32)
          .sample(0, 0, 0);
    }
    double perSecond = n / ((System.nanoTime() - start) / 1e9);
    System.out.printf("rendered %.0f images/s (32 px, one thread) [%d]%n", perSecond, sum);
    assertThat(perSecond).isGreaterThan(1000);
  }
}
