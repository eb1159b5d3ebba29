package org.ckcoop.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.ckcoop.backbone.checkpoint.ClipArchitecture;
import org.junit.jupiter.api.Test;

class FlopsTest {
  private static final ClipArchitecture B16 = ClipArchitecture.vitB16();

  @Test
  void oneBlockCountsItsSixProducts() {
    // n = 2, l = 3, w = 4: qkv 2*6*4*12 = 576, out 2*6*4*4 = 192, mlp 2 * 2*6*4*16 = 1536 -> 2304 = 24 n l w^2;
    // q k^T and p v: 2 * 2*2*3*3*4 = 288 = 4 n l^2 w
    assertThat(Flops.blockForward(2, 3, 4)).isEqualTo(2304 + 288);
    // backward to the input, weights frozen: one product per linear, two per attention product
    assertThat(Flops.blockBackward(2, 3, 4)).isEqualTo(2304 + 576);
  }

  @Test
  void theVitB16ImageTowerIsAbout35GflopPerImage() {
    // patches 2*196*768*768 = 231.2M; blocks 12 * (24*197*768^2 + 4*197^2*768) = 34.90G; projection 2*768*512
    double expected = 2.0 * 196 * 768 * 768 + 12 * (24.0 * 197 * 768 * 768 + 4.0 * 197 * 197 * 768) + 2.0 * 768 * 512;
    assertThat(Flops.imageForward(B16, 1, 0)).isEqualTo(expected);
    assertThat(Flops.imageForward(B16, 1, 0) / 1e9).isCloseTo(35.13, within(0.01));
    assertThat(Flops.imageForward(B16, 32, 0)).isCloseTo(32 * expected, within(1.0));
  }

  @Test
  void aCoopStepIsTheTextTowerForwardAndBackwardOverEveryClassPrompt() {
    // 50 prompts of 11 tokens, width 512, 12 layers
    double forward = 12 * (24.0 * 50 * 11 * 512 * 512 + 4.0 * 50 * 11 * 11 * 512) + 2.0 * 50 * 512 * 512;
    double backward = 12 * (24.0 * 50 * 11 * 512 * 512 + 8.0 * 50 * 11 * 11 * 512) + 2.0 * 50 * 512 * 512;
    assertThat(Workload.COOP.flops(B16, 50, 11, 0)).isEqualTo(forward + backward);
    assertThat(Workload.COOP.flops(B16, 50, 11, 0) / 1e9).isCloseTo(83.6, within(0.1));
    assertThat(Workload.KGCOOP.flops(B16, 50, 11, 0)).isEqualTo(forward + backward);
    assertThat(Workload.CKCOOP.flops(B16, 50, 11, 0)).isEqualTo(forward + backward);
    assertThat(Workload.PROGRAD.flops(B16, 50, 11, 0)).isEqualTo(forward + 2 * backward);
  }

  @Test
  void coCoOpEncodesBatchTimesClassPrompts() {
    assertThat(Workload.COCOOP.batch()).isEqualTo(4);
    assertThat(Workload.COCOOP.flops(B16, 50, 11, 0))
        .isCloseTo(Flops.textForward(B16, 200, 11) + Flops.textBackward(B16, 200, 11), within(1.0));
    assertThat(Workload.COCOOP.flops(B16, 50, 11, 0)).isCloseTo(4 * Workload.COOP.flops(B16, 50, 11, 0), within(1.0));
  }

  @Test
  void theDeepLearnersAddTheImageTowerAtBatchFour() {
    double text = Flops.textForward(B16, 50, 11) + Flops.textBackward(B16, 50, 11);
    double maple = Workload.MAPLE.flops(B16, 50, 11, 0);
    assertThat(maple).isEqualTo(text + Flops.imageForward(B16, 4, 2) + Flops.imageBackward(B16, 4, 2));
    // 199 tokens per image (196 patches, class token, 2 prompts)
    assertThat(Flops.imageBackward(B16, 4, 2))
        .isEqualTo(12 * (24.0 * 4 * 199 * 768 * 768 + 8.0 * 4 * 199 * 199 * 768) + 2.0 * 4 * 768 * 512);
    double promptsrc = Workload.PROMPTSRC.flops(B16, 50, 11, 0);
    assertThat(promptsrc).isEqualTo(
        text + Flops.imageForward(B16, 4, 4) + Flops.imageBackward(B16, 4, 4) + Flops.imageForward(B16, 4, 0));
    assertThat(promptsrc / 1e9).isCloseTo(516.0, within(0.1));
  }

  @Test
  void encodingCountsTheForwardOnly() {
    assertThat(Workload.TEXT.flops(B16, 50, 9, 256)).isEqualTo(Flops.textForward(B16, 256, 9));
    assertThat(Workload.IMAGE_TOWER.flops(B16, 50, 0, 0)).isEqualTo(Flops.imageForward(B16, 32, 0));
    assertThat(Workload.IMAGE_PIPELINE.flops(B16, 50, 0, 0)).isEqualTo(Flops.imageForward(B16, 32, 0));
    assertThat(Flops.matmul(2048)).isEqualTo(2.0 * 2048 * 2048 * 2048);
  }
}
