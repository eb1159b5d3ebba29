package org.ckcoop.world.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ckcoop.backbone.BackboneOptions;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end on the tiny {@code test} preset: output files, reproducibility, resume, refusals. */
class PretrainerTest {
  private static final PretrainSettings TINY = PretrainSettings.defaults()
      .withPreset(MiniClipShape.TEST)
      .withSteps(6)
      .withBatchSize(8)
      .withOptimiser(1e-3, 0.1, 2)
      .withCompute(1, "cpu")
      .withIntervals(2, 2);

  @Test
  void aRunWritesALoadableCheckpointWithItsProvenanceAndLeavesNoState(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("ckpt");
    List<String> events = new ArrayList<>();
    PretrainResult result = new Pretrainer(TINY, new PretrainListener() {
      @Override
      public void onLog(PretrainLogRow row, double secondsLeft) {
        events.add("log " + row.step());
      }

      @Override
      public void onStateSaved(int stepsDone, Path file) {
        events.add("state " + stepsDone);
      }
    }).run(out, false, "ckcoop pretrain --test");

    assertThat(events).containsExactly("log 2", "state 2", "log 4", "state 4", "log 6");
    assertThat(result.steps()).isEqualTo(6);
    assertThat(result.finalLoss()).isBetween(0.5, 5.0);
    assertThat(out.resolve(PretrainState.FOLDER)).doesNotExist();
    for (String f : List.of("config.json", "preprocessor_config.json", "model.safetensors", "vocab.json", "merges.txt",
        Pretrainer.PROVENANCE, Pretrainer.README, Pretrainer.LOG)) {
      assertThat(out.resolve(f)).isRegularFile();
    }
    List<String> log = Files.readAllLines(out.resolve(Pretrainer.LOG));
    assertThat(log).hasSize(4);
    assertThat(log.get(0)).isEqualTo(PretrainLogRow.HEADER);
    assertThat(PretrainLogRow.parse(log.get(3)).step()).isEqualTo(6);

    JsonNode json = new ObjectMapper().readTree(out.resolve(Pretrainer.PROVENANCE).toFile());
    assertThat(json.path("recipe").path("seed").asText()).isEqualTo("1");
    assertThat(json.path("model").path("preset").asText()).isEqualTo("test");
    assertThat(json.path("model").path("content_hash").asText()).isEqualTo(result.contentHash());
    assertThat(json.path("result").path("final_loss").asDouble()).isCloseTo(result.finalLoss(), org.assertj.core.data.Offset.offset(1e-4));
    assertThat(json.path("reproduce").asText()).contains("--preset test", "--steps 6", "--batch 8", "--seed 1");
    assertThat(Files.readString(out.resolve(Pretrainer.README))).contains(json.path("reproduce").asText());

    try (ClipBackbone backbone = ClipBackbone.load(out, BackboneOptions.defaults().withDevice("cpu"))) {
      assertThat(backbone.architecture()).isEqualTo(MiniClipShape.TEST.architecture(backbone.tokenizer().vocabularySize()));
      assertThat(backbone.tokenizer().vocabulary()).isEqualTo(Pretrainer.vocabulary(new WorldPretrainCorpus().open()));
    }
  }

  @Test
  void theSameSeedWritesTheSameBytesAndAnInterruptedRunResumesBitIdentically(@TempDir Path dir) throws IOException {
    Path whole = dir.resolve("whole");
    new Pretrainer(TINY, PretrainListener.NONE).run(whole, false, "whole");
    Path again = dir.resolve("again");
    new Pretrainer(TINY, PretrainListener.NONE).run(again, false, "again");
    assertThat(Files.readAllBytes(again.resolve("model.safetensors")))
        .isEqualTo(Files.readAllBytes(whole.resolve("model.safetensors")));

    Path interrupted = dir.resolve("interrupted");
    PretrainListener crash = new PretrainListener() {
      @Override
      public void onStep(int step, float loss) {
        if (step == 4) {
          throw new IllegalStateException("simulated crash");
        }
      }
    };
    assertThatThrownBy(() -> new Pretrainer(TINY, crash).run(interrupted, false, "interrupted"))
        .hasMessage("simulated crash");
    assertThat(PretrainState.read(interrupted).stepsDone()).isEqualTo(4);
    assertThat(interrupted.resolve("model.safetensors")).doesNotExist();

    assertThatThrownBy(() -> new Pretrainer(TINY, PretrainListener.NONE).run(interrupted, false, "fresh"))
        .isInstanceOf(InputException.class).hasMessageContaining("--resume");
    assertThatThrownBy(() -> new Pretrainer(TINY.withSeed(2), PretrainListener.NONE).run(interrupted, true, "other"))
        .isInstanceOf(InputException.class).hasMessageContaining("seed = 1").hasMessageContaining("asks for 2");

    PretrainResult resumed = new Pretrainer(TINY, PretrainListener.NONE).run(interrupted, true, "resumed");
    assertThat(resumed.resumedAt()).isEqualTo(4);
    assertThat(Files.readAllBytes(interrupted.resolve("model.safetensors")))
        .isEqualTo(Files.readAllBytes(whole.resolve("model.safetensors")));
    List<String> log = Files.readAllLines(interrupted.resolve(Pretrainer.LOG));
    List<String> wholeLog = Files.readAllLines(whole.resolve(Pretrainer.LOG));
    assertThat(log).hasSameSizeAs(wholeLog);
    for (int i = 1; i < log.size(); i++) {
      // Loss, accuracy and lr columns are identical; only the timing column may differ.
      assertThat(log.get(i).substring(0, log.get(i).lastIndexOf('\t')))
          .isEqualTo(wholeLog.get(i).substring(0, wholeLog.get(i).lastIndexOf('\t')));
    }

    assertThatThrownBy(() -> new Pretrainer(TINY, PretrainListener.NONE).run(whole, false, "again"))
        .isInstanceOf(InputException.class).hasMessageContaining("already holds a pretrained checkpoint");
    assertThatThrownBy(() -> new Pretrainer(TINY, PretrainListener.NONE).run(whole, true, "again"))
        .isInstanceOf(InputException.class).hasMessageContaining("already finished");
    Path other = dir.resolve("other-seed");
    new Pretrainer(TINY.withSeed(2), PretrainListener.NONE).run(other, false, "other");
    assertThat(Files.readAllBytes(other.resolve("model.safetensors")))
        .isNotEqualTo(Files.readAllBytes(whole.resolve("model.safetensors")));
  }

  @Test
  void anUnknownCorpusListsTheKnownOnes() {
    assertThat(PretrainCorpus.available()).extracting(PretrainCorpus::name).contains("world");
    assertThatThrownBy(() -> PretrainCorpus.named("imagenet"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("unknown pretraining corpus 'imagenet'")
        .hasMessageContaining("known: world");
    assertThatThrownBy(() -> MiniClipShape.parse("huge")).hasMessageContaining("known: mini, small, test");
  }
}
