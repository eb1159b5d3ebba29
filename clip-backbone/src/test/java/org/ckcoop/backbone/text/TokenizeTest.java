package org.ckcoop.backbone.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ClipTokenizer#tokenize(List, int)} and {@link ClipTokenizer#eotPositions(long[][])}. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TokenizeTest {
  private static final ClipTokenizer TOKENIZER = TinyVocabularyTest.tiny();
  private static final int SOT = TOKENIZER.sotTokenId();
  private static final int EOT = TOKENIZER.eotTokenId();

  private static long[] expectedRow(int[] ids, int contextLength) {
    long[] row = new long[contextLength];
    row[0] = SOT;
    for (int i = 0; i < ids.length; i++) {
      row[i + 1] = ids[i];
    }
    row[ids.length + 1] = EOT;
    return row;
  }

  @Test
  void rowsAreStartIdsEndThenZeros() {
    int[] ids = TOKENIZER.encode("a photo of a dog.");
    assertThat(ids).hasSizeGreaterThan(3);
    long[][] rows = TOKENIZER.tokenize(List.of("a photo of a dog.", ""), 12);
    assertThat(rows).hasDimensions(2, 12);
    assertThat(rows[0]).containsExactly(expectedRow(ids, 12));
    assertThat(rows[0][0]).isEqualTo(SOT);
    assertThat(Arrays.copyOfRange(rows[0], ids.length + 2, 12)).containsOnly(0L);
    assertThat(rows[1]).containsExactly(SOT, EOT, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    assertThat(TOKENIZER.eotPositions(rows)).containsExactly(ids.length + 1, 1);
  }

  @Test
  void contextLengthComesFromTheArgument() {
    for (int length : new int[] {2, 5, 77, 100}) {
      long[][] rows = TOKENIZER.tokenize(List.of("a photo"), length);
      assertThat(rows[0]).hasSize(length);
    }
    assertThat(TOKENIZER.tokenize(List.of("x"))[0]).hasSize(77);
    assertThat(TOKENIZER.tokenize(List.of("a photo of a dog"), 2)[0]).containsExactly(SOT, EOT);
    assertThatThrownBy(() -> TOKENIZER.tokenize(List.of("x"), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 2");
  }

  @Test
  void longTextIsTruncatedWithEndOfTextLast() {
    String text = "a photo of a dog ".repeat(30);
    int[] ids = TOKENIZER.encode(text);
    assertThat(ids.length).isGreaterThan(100);
    long[] row = TOKENIZER.tokenize(List.of(text), 77)[0];
    // OpenAI's truncate=True: tokens[:77], then tokens[-1] = eot.
    long[] expected = new long[77];
    expected[0] = SOT;
    for (int i = 1; i < 76; i++) {
      expected[i] = ids[i - 1];
    }
    expected[76] = EOT;
    assertThat(row).containsExactly(expected);
    assertThat(TOKENIZER.eotPositions(new long[][] {row})).containsExactly(76);
  }

  @Test
  void truncationBoundaries() {
    String text = "a photo of a dog ".repeat(3);
    int[] ids = TOKENIZER.encode(text);
    int exact = ids.length + 2;
    // Fits exactly: no zero, end token last, all ids kept.
    assertThat(TOKENIZER.tokenize(List.of(text), exact)[0]).containsExactly(expectedRow(ids, exact));
    // One too short: the last id is replaced by the end token.
    long[] cut = TOKENIZER.tokenize(List.of(text), exact - 1)[0];
    assertThat(cut).hasSize(exact - 1);
    assertThat(cut[exact - 2]).isEqualTo(EOT);
    assertThat(cut[exact - 3]).isEqualTo(ids[ids.length - 2]);
  }

  @Test
  void eotPositionIsTheFirstEndTokenLikeArgmax() {
    long[][] rows = TOKENIZER.tokenize(List.of("a dog <|endoftext|> and more"), 20);
    int[] ids = TOKENIZER.encode("a dog <|endoftext|> and more");
    int inner = IntStream.range(0, ids.length).filter(i -> ids[i] == EOT).findFirst().orElseThrow();
    assertThat(TOKENIZER.eotPositions(rows)).containsExactly(inner + 1);
    // argmax over the row (first maximum) gives the same position.
    long max = Arrays.stream(rows[0]).max().orElseThrow();
    int argmax = IntStream.range(0, 20).filter(i -> rows[0][i] == max).findFirst().orElseThrow();
    assertThat(argmax).isEqualTo(inner + 1);
  }

  @Test
  void eotPositionsRejectsRowsWithoutEndToken() {
    assertThatThrownBy(() -> TOKENIZER.eotPositions(new long[][] {{SOT, 5, 0}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row 0");
  }

  @Test
  void emptyBatch() {
    assertThat(TOKENIZER.tokenize(List.of(), 77)).isEmpty();
    assertThat(TOKENIZER.eotPositions(new long[0][])).isEmpty();
  }

  @Test
  void specialTokensInTextMapToTheirIds() {
    assertThat(TOKENIZER.encode("<|startoftext|>a<|endoftext|>"))
        .containsExactly(SOT, 320, EOT);
    assertThat(TOKENIZER.encode("<|STARTOFTEXT|>")).containsExactly(SOT);
  }

  @Test
  void concurrentEncodingGivesTheSameIds() {
    List<String> corpus = TinyCorpus.captions();
    List<int[]> sequential = new ArrayList<>();
    for (String s : corpus) {
      sequential.add(ClipTokenizer.of(TOKENIZER.vocabulary()).encode(s));
    }
    ClipTokenizer shared = ClipTokenizer.of(TOKENIZER.vocabulary());
    List<int[]> parallel = IntStream.range(0, corpus.size() * 4).parallel()
        .mapToObj(i -> shared.encode(corpus.get(i % corpus.size())))
        .toList();
    for (int i = 0; i < parallel.size(); i++) {
      assertThat(parallel.get(i)).containsExactly(sequential.get(i % corpus.size()));
    }
  }

  @Test
  void decodeRejectsUnknownIds() {
    assertThatThrownBy(() -> TOKENIZER.decode(new int[] {TOKENIZER.vocabularySize()}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside the vocabulary");
    assertThatThrownBy(() -> TOKENIZER.decode(new int[] {-1}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
