package org.ckcoop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.ckcoop.core.train.EpochSummary;
import org.junit.jupiter.api.Test;

class TrainingProgressTest {
  @Test
  void showsTheEpochsStepsLossAccuracyAndLearningRate() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TrainingProgress progress = new TrainingProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), "coop/seed1");
    progress.onResume(1, 3);
    progress.onEpochStart(1, 3, 2, 0.002);
    progress.onStep(1, 0, 2, 1.25, 50);
    progress.onStep(1, 1, 2, 0.75, 62.5);
    progress.onEpochEnd(new EpochSummary(1, 0.002, 1.0, 62.5, 2, 0.4));
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("coop/seed1: resuming after epoch 1 of 3");
    assertThat(text).contains("coop/seed1 epoch 2/3");
    assertThat(text).contains("2/2");
    assertThat(text).contains("loss 0.7500 acc 62.5% lr 2.00e-03");
    assertThat(text).contains("coop/seed1 epoch 2: loss 1.0000, train accuracy 62.5%, lr 2.00e-03, 0.4 s");
  }
}
