package org.ckcoop.core.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.ckcoop.backbone.ClipBackbone;
import org.ckcoop.common.engine.EngineRuntime;
import org.ckcoop.core.fixture.TinyBackbones;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ContextPromptsTest {
  static ClipBackbone backbone;
  static final List<String> CLASSES = List.of("red_circle", "blue square", "star");

  @BeforeAll
  static void load() {
    backbone = TinyBackbones.create(3);
  }

  @AfterAll
  static void close() {
    backbone.close();
  }

  private long[] ids(String text) {
    return backbone.tokenizer().tokenize(List.of(text), 16)[0];
  }

  @Test
  void contextInitialisedFromWordsReproducesTheHandWrittenPrompt() {
    // CoOp's ctx_init: with the context set to the embeddings of "a photo of a", the learned prompt
    // is exactly "a photo of a <class>." and must encode like it.
    try (ContextPrompts prompts = ContextPrompts.build(backbone, CLASSES, "a photo of a", 4, ClassTokenPosition.END);
        NDManager m = EngineRuntime.engine().newBaseManager()) {
      NDArray ctx = m.create(ContextPrompts.wordEmbeddings(backbone, "a photo of a"), new Shape(4, 64));
      float[] learned = backbone.encodeTokenEmbeddings(prompts.assemble(m, ctx), prompts.eotPositions()).toFloatArray();
      float[] written = backbone.encodeTokens(backbone.tokenize(m,
          List.of("a photo of a red circle.", "a photo of a blue square.", "a photo of a star."))).toFloatArray();
      for (int i = 0; i < written.length; i++) {
        assertThat(learned[i]).isCloseTo(written[i], org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
  }

  @Test
  void classTokenPositionsArrangeTheTokensAsCoOpDoes() {
    long x = backbone.tokenizer().encode("x")[0];
    long[] name = java.util.Arrays.stream(backbone.tokenizer().encode("red circle")).asLongStream().toArray();
    long dot = backbone.tokenizer().encode(".")[0];
    long sot = backbone.tokenizer().sotTokenId();
    long eot = backbone.tokenizer().eotTokenId();
    assertThat(ids("x x x x red circle.")).startsWith(sot, x, x, x, x, name[0], name[1], dot, eot);
    for (ClassTokenPosition position : ClassTokenPosition.values()) {
      try (ContextPrompts prompts = ContextPrompts.build(backbone, List.of("red_circle"), "x x x x", 4, position);
          NDManager m = EngineRuntime.engine().newBaseManager()) {
        assertThat(prompts.eotPositions()).containsExactly(8);
        NDArray marker = m.create(new float[4 * 64], new Shape(4, 64));
        for (int k = 0; k < 4; k++) {
          marker.set(new ai.djl.ndarray.index.NDIndex(k + ", 0"), 1000 + k);
        }
        float[] assembled = prompts.assemble(m, marker).toFloatArray();
        int[] expected = switch (position) {
          case END -> new int[] {1, 2, 3, 4};
          case MIDDLE -> new int[] {1, 2, 5, 6};
          case FRONT -> new int[] {3, 4, 5, 6};
        };
        for (int k = 0; k < 4; k++) {
          assertThat(assembled[expected[k] * 64]).as(position + " ctx " + k).isEqualTo(1000 + k);
        }
        // the other positions hold the token embeddings of the class name, '.', EOT
        float[] table = backbone.tokenEmbeddingTable(m).toFloatArray();
        int namePosition = position == ClassTokenPosition.FRONT ? 1 : position == ClassTokenPosition.MIDDLE ? 3 : 5;
        assertThat(assembled[namePosition * 64 + 7]).isEqualTo(table[(int) name[0] * 64 + 7]);
        assertThat(assembled[8 * 64 + 7]).isEqualTo(table[(int) eot * 64 + 7]);
      }
    }
  }

  @Test
  void classSpecificContextAndPerImageContext() {
    try (ContextPrompts prompts = ContextPrompts.build(backbone, CLASSES, "x x", 2, ClassTokenPosition.END);
        NDManager m = EngineRuntime.engine().newBaseManager()) {
      NDArray perClass = m.randomNormal(new Shape(3, 2, 64));
      NDArray assembled = prompts.assemble(m, perClass);
      assertThat(assembled.getShape()).isEqualTo(new Shape(3, java.util.Arrays.stream(prompts.eotPositions()).max().getAsInt() + 1, 64));
      assertThat(assembled.get("1, 2, :").toFloatArray()).containsExactly(perClass.get("1, 1, :").toFloatArray());
      NDArray perImage = m.randomNormal(new Shape(5, 2, 64));
      NDArray batch = prompts.assemblePerImage(m, perImage);
      assertThat(batch.getShape().get(0)).isEqualTo(15);
      assertThat(batch.get("7, 1, :").toFloatArray()).containsExactly(perImage.get("2, 0, :").toFloatArray());
      assertThat(prompts.eotPositions(5)).hasSize(15);
      assertThatThrownBy(() -> prompts.assemble(m, m.zeros(new Shape(3, 64))))
          .hasMessage("context has shape (3, 64), expected (2, 64) or (3, 2, 64)");
    }
  }

  @Test
  void aClassNameTooLongForTheContextIsNamed() {
    String longName = "a very long class name with many many words that cannot fit";
    assertThatThrownBy(() -> ContextPrompts.build(backbone, List.of("ok", longName), "x x x x", 4, ClassTokenPosition.END))
        .hasMessageContaining("class name '" + longName + "': its prompt needs")
        .hasMessageContaining("context length is 16");
  }

  private static float[] randomContext(int... shape) {
    java.util.Random random = new java.util.Random(7);
    float[] out = new float[java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) random.nextGaussian() * 0.3f;
    }
    return out;
  }

  private static void assertClose(float[] actual, float[] expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i]).as("element %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(2e-5f));
    }
  }

  @Test
  void theSharedPrefixIsWhatEveryClassHoldsAtTheSamePlaceAndEncodesAsTheAssembledPrompts() {
    List<String> sameFirstWord = List.of("red circle", "red square", "red star");
    record Case(List<String> classes, ClassTokenPosition position, int shared) {}
    for (Case c : List.of(new Case(CLASSES, ClassTokenPosition.END, 5), new Case(CLASSES, ClassTokenPosition.MIDDLE, 3),
        new Case(CLASSES, ClassTokenPosition.FRONT, 1), new Case(sameFirstWord, ClassTokenPosition.END, 6),
        new Case(List.of("star"), ClassTokenPosition.END, 7))) {
      try (ContextPrompts prompts = ContextPrompts.build(backbone, c.classes(), "x x x x", 4, c.position());
          NDManager m = EngineRuntime.engine().newBaseManager()) {
        assertThat(prompts.sharedLength()).as("%s", c).isEqualTo(c.shared());
        NDArray ctx = org.ckcoop.common.engine.EngineArrays.of(m, randomContext(4, 64), new Shape(4, 64));
        float[] whole = backbone.encodeTokenEmbeddings(prompts.assemble(m, ctx), prompts.eotPositions()).toFloatArray();
        assertClose(prompts.encode(backbone, m, ctx, null).toFloatArray(), whole);
        // class-specific contexts are never shared
        int classes = c.classes().size();
        NDArray csc = org.ckcoop.common.engine.EngineArrays.of(m, randomContext(classes, 4, 64), new Shape(classes, 4, 64));
        assertThat(prompts.encode(backbone, m, csc, null).toFloatArray())
            .containsExactly(backbone.encodeTokenEmbeddings(prompts.assemble(m, csc), prompts.eotPositions()).toFloatArray());
        // CoCoOp: a context per image, the prefix shared by the classes of each image
        NDArray perImage = org.ckcoop.common.engine.EngineArrays.of(m, randomContext(2, 4, 64), new Shape(2, 4, 64));
        float[] wholePerImage = backbone.encodeTokenEmbeddings(prompts.assemblePerImage(m, perImage), prompts.eotPositions(2))
            .toFloatArray();
        assertClose(prompts.encodePerImage(backbone, m, perImage).toFloatArray(), wholePerImage);
        float[] firstImage = java.util.Arrays.copyOfRange(wholePerImage, 0, wholePerImage.length / 2);
        assertThat(firstImage).isNotEqualTo(java.util.Arrays.copyOfRange(wholePerImage, wholePerImage.length / 2, wholePerImage.length));
      }
    }
  }
}
