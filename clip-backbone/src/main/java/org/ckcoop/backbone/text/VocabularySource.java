package org.ckcoop.backbone.text;

import java.nio.file.Path;
import java.util.function.IntFunction;

/**
 * Where a vocabulary under validation came from, so that {@link BpeVocabulary}'s checks can name
 * the file (and line or JSON path) in their {@link TokenizerException}.
 */
final class VocabularySource {
  static final VocabularySource IN_MEMORY = new VocabularySource(null, "", null, r -> "merge " + r);

  private final Path vocabularyFile;
  private final String vocabularyLabel;
  private final Path mergesFile;
  private final IntFunction<String> mergeLocation;

  /**
   * @param vocabularyFile the file with the tokens, or null for an in-memory vocabulary
   * @param vocabularyLabel prefix of token problems inside that file (e.g. {@code "model.vocab: "})
   * @param mergesFile the file with the merges, or null for in-memory merges
   * @param mergeLocation where the merge of a rank is in that file (e.g. {@code "line 7"})
   */
  VocabularySource(
      Path vocabularyFile, String vocabularyLabel, Path mergesFile, IntFunction<String> mergeLocation) {
    this.vocabularyFile = vocabularyFile;
    this.vocabularyLabel = vocabularyLabel;
    this.mergesFile = mergesFile;
    this.mergeLocation = mergeLocation;
  }

  TokenizerException vocabularyError(String problem) {
    return vocabularyFile == null
        ? new TokenizerException("vocabulary: " + problem)
        : new TokenizerException(vocabularyFile, vocabularyLabel + problem);
  }

  TokenizerException mergeError(int rank, String problem) {
    String where = mergeLocation.apply(rank) + ": ";
    return mergesFile == null
        ? new TokenizerException(where + problem)
        : new TokenizerException(mergesFile, where + problem);
  }

  /** Names the vocabulary file in a merge error when it is not the merges file. */
  String vocabularySuffix() {
    return vocabularyFile == null || vocabularyFile.equals(mergesFile) ? "" : " " + vocabularyFile;
  }
}
