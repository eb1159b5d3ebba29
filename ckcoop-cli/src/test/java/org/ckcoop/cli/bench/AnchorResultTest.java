package org.ckcoop.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AnchorResultTest {
  @Test
  void readsTheAnchorsStepReply() {
    String line = "{\"mode\": \"coop-step\", \"preset\": \"vit-b-16\", \"classes\": 50, \"batch\": 32, \"steps\": 3,"
        + " \"tokens\": 11, \"n_ctx\": 4, \"learnable\": 2048, \"times_s\": [0.61, 0.52, 0.55], \"median_s\": 0.55,"
        + " \"step_s\": 0.55, \"torch\": \"1.13.0a0\", \"threads\": 2}";
    AnchorResult r = AnchorResult.parse(line);
    assertThat(r.mode()).isEqualTo("coop-step");
    assertThat(r.times()).containsExactly(0.61, 0.52, 0.55);
    assertThat(r.median()).isEqualTo(0.55);
    assertThat(r.torch()).isEqualTo("1.13.0a0");
    assertThat(r.threads()).isEqualTo(2);
    assertThat(r.tokens()).isEqualTo(11);
  }

  @Test
  void aReplyWithoutAMedianGetsTheMedianOfItsTimes() {
    AnchorResult r = AnchorResult.parse("{\"mode\": \"matmul\", \"times_s\": [0.2, 0.1, 0.4, 0.3]}");
    assertThat(r.median()).isEqualTo(0.25);
    assertThat(r.torch()).isEqualTo("?");
    assertThat(r.tokens()).isZero();
  }

  @Test
  void errorsAndNonRepliesAreRefusedWithWhatWasRead() {
    assertThatThrownBy(() -> AnchorResult.parse("{\"error\": \"RuntimeError: negative dimension\"}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RuntimeError: negative dimension");
    assertThatThrownBy(() -> AnchorResult.parse("Traceback (most recent call last):"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
    assertThatThrownBy(() -> AnchorResult.parse("[1, 2]")).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> AnchorResult.parse("{\"mode\": \"coop-step\", \"times_s\": []}")).hasMessageContaining("times_s");
  }

  @Test
  void requestsAreOneJsonLineInTheAnchorsKeys() {
    Map<String, Object> request = Workload.CKCOOP.anchorRequest("vit-b-16", 50, 3, 2, 11, 256, 256, "8x8,8x8,4x8");
    assertThat(AnchorResult.requestLine(request)).isEqualTo("{\"mode\":\"ckcoop-step\",\"preset\":\"vit-b-16\",\"classes\":50,"
        + "\"batch\":32,\"steps\":3,\"threads\":2,\"tokens\":11,\"n_ctx\":4,\"k\":256,\"factor_shapes\":\"8x8,8x8,4x8\"}");
    assertThat(Workload.PROMPTSRC.anchorRequest("vit-b-16", 50, 3, 2, 11, 256, 0, ""))
        .containsEntry("mode", "promptsrc-step").containsEntry("batch", 4).containsEntry("n_ctx", 4)
        .containsEntry("n_ctx_vision", 4).containsEntry("depth", 9);
    assertThat(Workload.MAPLE.anchorRequest("vit-b-16", 50, 3, 2, 11, 256, 0, "")).containsEntry("n_ctx", 2);
    assertThat(Workload.PROGRAD.anchorRequest("vit-b-16", 50, 3, 2, 23, 256, 0, "")).containsEntry("n_ctx", 16)
        .containsEntry("tokens", 23);
    assertThat(Workload.TEXT.anchorRequest("vit-b-16", 50, 3, 2, 9, 256, 0, "")).containsEntry("texts", 256)
        .containsEntry("tokens", 9).doesNotContainKey("n_ctx");
    assertThat(Workload.IMAGE_PIPELINE.anchorRequest("vit-b-16", 50, 3, 2, 0, 256, 0, ""))
        .containsEntry("mode", "encode-images").doesNotContainKey("tokens");
  }
}
