package org.ckcoop.core.prompt;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.core.fixture.TinyBackbones;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ContextPrompts} against golden cases made by {@code tools/reference/coop_prompt_tokens.py}, a
 * Python port of CLIP's {@code simple_tokenizer.py} and CoOp's {@code PromptLearner} that does not use
 * the Java tokenizer: token ids of the official arrangement, EOT positions and context positions, on
 * CLIP's real vocabulary (skipped when {@code ../shared/clip-bpe} is absent).
 */
class ContextPromptsGoldenTest {
  static final String GOLDEN = "coop-prompt-tokens.json";
  static ClipBackbone backbone;
  static JsonNode golden;

  @BeforeAll
  static void load() throws IOException {
    backbone = TinyBackbones.withClipVocabulary(5);
    try (InputStream in = ContextPromptsGoldenTest.class.getResourceAsStream(GOLDEN)) {
      golden = new ObjectMapper().readTree(in);
    }
  }

  @AfterAll
  static void close() {
    if (backbone != null) {
      backbone.close();
    }
  }

  static String placeholder(JsonNode c) {
    String init = c.get("ctx_init").asText();
    return init.isEmpty() ? String.join(" ", Collections.nCopies(c.get("n_ctx").asInt(), "X")) : init;
  }

  static ClassTokenPosition position(JsonNode c) {
    return ClassTokenPosition.valueOf(c.get("position").asText().toUpperCase(Locale.ROOT));
  }

  static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asLong();
    }
    return out;
  }

  @Test
  void everyGoldenCaseHasTheOfficialTokensEotAndContextPositions() {
    JsonNode cases = golden.get("cases");
    assertThat(cases.size()).isGreaterThanOrEqualTo(70);
    int width = backbone.architecture().text().width();
    float[] table;
    try (NDManager m = EngineRuntime.engine().newBaseManager()) {
      table = backbone.tokenEmbeddingTable(m).toFloatArray();
    }
    int punctuationCases = 0;
    for (JsonNode c : cases) {
      String label = c.get("class_name").asText() + " / " + c.get("position").asText() + " / n_ctx "
          + c.get("n_ctx").asInt() + " / '" + placeholder(c) + "'";
      int nCtx = c.get("n_ctx").asInt();
      long[] arranged = longs(c.get("arranged"));
      int eot = c.get("eot").asInt();
      // the whole-string tokenisation itself, as clip.tokenize gives it
      long[] tokenized = backbone.tokenizer().tokenize(List.of(c.get("prompt").asText()), 77)[0];
      assertThat(Arrays.copyOf(tokenized, eot + 1)).as(label).containsExactly(longs(c.get("tokenized")));
      if (c.get("differs_from_separate").asBoolean()) {
        punctuationCases++;
      }
      try (ContextPrompts prompts = ContextPrompts.build(backbone, List.of(c.get("class_name").asText()), placeholder(c),
          nCtx, position(c)); NDManager m = EngineRuntime.engine().newBaseManager()) {
        assertThat(prompts.eotPositions()).as(label).containsExactly(eot);
        assertThat(prompts.tokenIds()[0]).as(label).containsExactly(arranged);
        // context vector k (all values 1000 + k) sits at context_slots[k] when that is not after the EOT;
        // every other position holds the embedding of the golden token id
        float[] marker = new float[nCtx * width];
        for (int k = 0; k < nCtx; k++) {
          Arrays.fill(marker, k * width, (k + 1) * width, 1000 + k);
        }
        float[] assembled = prompts.assemble(m, m.create(marker, new Shape(nCtx, width))).toFloatArray();
        assertThat(assembled).hasSize((eot + 1) * width);
        List<Integer> slots = new ArrayList<>();
        for (JsonNode s : c.get("context_slots")) {
          slots.add(s.asInt());
        }
        for (int p = 0; p <= eot; p++) {
          float[] row = Arrays.copyOfRange(assembled, p * width, (p + 1) * width);
          if (arranged[p] == ContextPrompts.CONTEXT_SLOT) {
            float[] expected = new float[width];
            Arrays.fill(expected, 1000 + slots.indexOf(p));
            assertThat(slots).as(label).contains(p);
            assertThat(row).as(label + " position " + p).containsExactly(expected);
          } else {
            int id = (int) arranged[p];
            assertThat(row).as(label + " position " + p)
                .containsExactly(Arrays.copyOfRange(table, id * width, (id + 1) * width));
          }
        }
      }
    }
    assertThat(punctuationCases).as("cases where tokenising name and '.' apart would differ").isGreaterThanOrEqualTo(30);
  }

  @Test
  void allNamesOfOneSettingTogetherKeepEachClassTokensUpToItsEot() {
    List<JsonNode> middle = new ArrayList<>();
    for (JsonNode c : golden.get("cases")) {
      if (c.get("n_ctx").asInt() == 4 && c.get("position").asText().equals("middle")) {
        middle.add(c);
      }
    }
    List<String> names = middle.stream().map(c -> c.get("class_name").asText()).toList();
    try (ContextPrompts prompts = ContextPrompts.build(backbone, names, "X X X X", 4, ClassTokenPosition.MIDDLE)) {
      long[][] ids = prompts.tokenIds();
      int longest = middle.stream().mapToInt(c -> c.get("eot").asInt()).max().getAsInt();
      for (int i = 0; i < middle.size(); i++) {
        JsonNode c = middle.get(i);
        assertThat(prompts.eotPositions()[i]).as(names.get(i)).isEqualTo(c.get("eot").asInt());
        assertThat(ids[i]).hasSize(longest + 1);
        assertThat(Arrays.copyOf(ids[i], c.get("eot").asInt() + 1)).as(names.get(i))
            .containsExactly(longs(c.get("arranged")));
      }
    }
  }

  @Test
  void theLengthLimitCountsTheWholeStringsTokens() {
    // "X X X X cat ... cat!." : SOT, 4, n x "cat", "!." (one token), EOT = n + 7 tokens; tokenising
    // "!" and "." apart would need one more
    String fits = String.join(" ", Collections.nCopies(70, "cat")) + "!";
    try (ContextPrompts prompts = ContextPrompts.build(backbone, List.of(fits), "X X X X", 4, ClassTokenPosition.END)) {
      assertThat(prompts.eotPositions()).containsExactly(76);
      assertThat(prompts.tokenIds()[0][75]).isEqualTo(backbone.tokenizer().encode("!.")[0]);
      assertThat(backbone.tokenizer().encode("!.")).hasSize(1);
    }
    String tooLong = "cat " + fits;
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ContextPrompts.build(backbone, List.of("ok", tooLong), "X X X X", 4, ClassTokenPosition.END))
        .isInstanceOf(org.ckcoop.common.InputException.class)
        .hasMessageContaining("class name '" + tooLong + "': its prompt needs 78 tokens")
        .hasMessageContaining("context length is 77");
  }
}
