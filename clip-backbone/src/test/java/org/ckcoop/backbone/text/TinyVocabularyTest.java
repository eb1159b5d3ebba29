package org.ckcoop.backbone.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The committed tiny vocabulary ({@code tiny-vocab/}, made by {@code
 * BpeTrainer.train(TinyCorpus.captions(), TinyCorpus.MERGES).writeHuggingFace(...)}) against ids
 * that the Python re-implementation of the reference computed with it ({@code
 * tiny-vocab-tokens.json}). Runs everywhere: it needs no shared folder.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TinyVocabularyTest {
  static Path tinyVocabDir() {
    try {
      return Path.of(TinyVocabularyTest.class.getResource("tiny-vocab/vocab.json").toURI())
          .getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static ClipTokenizer tiny() {
    return ClipTokenizer.fromFolder(tinyVocabDir());
  }

  @Test
  void encodeMatchesPythonReferenceOnTinyVocabulary() {
    ReferenceCases ref = ReferenceCases.resource("tiny-vocab-tokens.json");
    assertThat(ref.cases).hasSizeGreaterThan(300);
    assertThat(ReferenceCases.encodeMismatches(tiny(), ref.cases)).isEmpty();
  }

  @Test
  void decodeMatchesPythonReferenceOnTinyVocabulary() {
    ReferenceCases ref = ReferenceCases.resource("tiny-vocab-tokens.json");
    assertThat(ref.decodeCases).hasSize(313);
    assertThat(ref.decodeMismatches(tiny())).isEmpty();
  }

  @Test
  void trainerReproducesTheCommittedVocabulary() {
    BpeVocabulary trained = BpeTrainer.train(TinyCorpus.captions(), TinyCorpus.MERGES);
    assertThat(trained).isEqualTo(tiny().vocabulary());
    assertThat(trained.identity()).isEqualTo(tiny().identity());
  }

  @Test
  void tinyVocabularyHasTheReferenceLayout() {
    ClipTokenizer t = tiny();
    assertThat(t.vocabularySize()).isEqualTo(512 + TinyCorpus.MERGES + 2);
    assertThat(t.sotTokenId()).isEqualTo(512 + TinyCorpus.MERGES);
    assertThat(t.eotTokenId()).isEqualTo(512 + TinyCorpus.MERGES + 1);
    // Ids 0..511 are the same as in CLIP's vocabulary, so byte-level ids agree with the real one.
    assertThat(t.encode("a {}.")).containsExactly(320, 90, 92, 269);
  }
}
