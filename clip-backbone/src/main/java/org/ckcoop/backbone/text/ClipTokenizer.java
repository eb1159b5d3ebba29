package org.ckcoop.backbone.text;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CLIP's byte-level BPE tokenizer, reproducing OpenAI's {@code clip/simple_tokenizer.py} and
 * {@code clip.tokenize}: the same ids for the same text (see {@link TextCleaner} for the one part
 * that cannot be reproduced, {@code ftfy}), from any vocabulary layout a CLIP checkpoint carries.
 *
 * <p>Pipeline of {@link #encode(String)}: clean the text (NFC, {@code html.unescape} twice, strip,
 * collapse whitespace, lower-case), split it with the reference's regular expression, map the
 * UTF-8 bytes of each piece to byte symbols, put {@code </w>} on the last symbol, and apply the
 * merges by rank. {@code <|startoftext|>} and {@code <|endoftext|>} in the text become their ids.
 *
 * <p>Immutable and thread-safe; BPE results of pieces are cached in a bounded concurrent map.
 */
public final class ClipTokenizer {
  /** The context length of every released CLIP model. */
  public static final int DEFAULT_CONTEXT_LENGTH = 77;

  private static final int CACHE_LIMIT = 1 << 16;

  private final BpeVocabulary vocabulary;
  private final MergeTable mergeTable;
  private final int[] byteIds = new int[256];
  private final int[] lastByteIds = new int[256];
  private final int sot;
  private final int eot;
  private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

  private ClipTokenizer(BpeVocabulary vocabulary) {
    this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
    this.mergeTable = new MergeTable(vocabulary);
    for (int b = 0; b < 256; b++) {
      String symbol = String.valueOf(ByteAlphabet.symbol(b));
      byteIds[b] = vocabulary.id(symbol);
      lastByteIds[b] = vocabulary.id(symbol + ByteAlphabet.END_OF_WORD);
    }
    this.sot = vocabulary.startOfTextId();
    this.eot = vocabulary.endOfTextId();
  }

  /** A tokenizer for a vocabulary (for example one made by {@link BpeTrainer}). */
  public static ClipTokenizer of(BpeVocabulary vocabulary) {
    return new ClipTokenizer(vocabulary);
  }

  /** A tokenizer from Hugging Face's {@code vocab.json} and {@code merges.txt}. */
  public static ClipTokenizer fromHuggingFaceFiles(Path vocabJson, Path mergesTxt) {
    return new ClipTokenizer(BpeVocabulary.readHuggingFace(vocabJson, mergesTxt));
  }

  /** A tokenizer from a Hugging Face {@code tokenizer.json}. */
  public static ClipTokenizer fromTokenizerJson(Path tokenizerJson) {
    return new ClipTokenizer(BpeVocabulary.readTokenizerJson(tokenizerJson));
  }

  /** A tokenizer from OpenAI's {@code bpe_simple_vocab_16e6.txt.gz}. */
  public static ClipTokenizer fromOpenAiBpe(Path bpeGz) {
    return new ClipTokenizer(BpeVocabulary.readOpenAiBpe(bpeGz));
  }

  /**
   * A tokenizer from a checkpoint folder: {@code vocab.json} + {@code merges.txt} if present,
   * else {@code tokenizer.json}, else {@code bpe_simple_vocab_16e6.txt.gz}.
   *
   * @throws TokenizerException naming the folder and the accepted file names when none is there,
   *     or naming the file that is malformed
   */
  public static ClipTokenizer fromFolder(Path dir) {
    return new ClipTokenizer(BpeVocabulary.readFolder(dir));
  }

  /** Token ids of a text, without {@code <|startoftext|>} and {@code <|endoftext|>}. */
  public int[] encode(String text) {
    Objects.requireNonNull(text, "text");
    int[] out = new int[16];
    int n = 0;
    for (String piece : PreTokenizer.split(TextCleaner.clean(text))) {
      int[] ids;
      if (piece.equals(BpeVocabulary.START_OF_TEXT)) {
        ids = new int[] {sot};
      } else if (piece.equals(BpeVocabulary.END_OF_TEXT)) {
        ids = new int[] {eot};
      } else {
        ids = bpe(piece);
      }
      if (n + ids.length > out.length) {
        out = Arrays.copyOf(out, Math.max(out.length * 2, n + ids.length));
      }
      System.arraycopy(ids, 0, out, n, ids.length);
      n += ids.length;
    }
    return Arrays.copyOf(out, n);
  }

  /**
   * {@code clip.tokenize(texts, context_length, truncate=True)}: one row per text, {@code
   * <|startoftext|>}, the ids of the text, {@code <|endoftext|>}, then zeros up to {@code
   * contextLength}. A text that does not fit is cut to {@code contextLength} ids and its last id
   * replaced by {@code <|endoftext|>}.
   *
   * @param contextLength row length, at least 2 (77 for released CLIP models)
   */
  public long[][] tokenize(List<String> texts, int contextLength) {
    if (contextLength < 2) {
      throw new IllegalArgumentException(
          "contextLength is " + contextLength + "; expected at least 2 (start and end of text)");
    }
    long[][] rows = new long[texts.size()][contextLength];
    for (int r = 0; r < rows.length; r++) {
      int[] ids = encode(texts.get(r));
      long[] row = rows[r];
      row[0] = sot;
      int kept = Math.min(ids.length, contextLength - 2);
      for (int i = 0; i < kept; i++) {
        row[i + 1] = ids[i];
      }
      row[kept + 1] = eot;
    }
    return rows;
  }

  /**
   * {@link #tokenize(List, int)} with {@link #DEFAULT_CONTEXT_LENGTH}.
   */
  public long[][] tokenize(List<String> texts) {
    return tokenize(texts, DEFAULT_CONTEXT_LENGTH);
  }

  /**
   * For each row, the index of its first {@code <|endoftext|>}: where CLIP's text tower reads the
   * text feature. This equals the reference's {@code tokens.argmax(dim=-1)}, because the end
   * token has the highest id in CLIP vocabularies and argmax returns the first maximum, even when
   * the text itself contains {@code <|endoftext|>}.
   *
   * @throws IllegalArgumentException when a row has no end-of-text token
   */
  public int[] eotPositions(long[][] tokens) {
    int[] positions = new int[tokens.length];
    for (int r = 0; r < tokens.length; r++) {
      int p = -1;
      for (int i = 0; i < tokens[r].length; i++) {
        if (tokens[r][i] == eot) {
          p = i;
          break;
        }
      }
      if (p < 0) {
        throw new IllegalArgumentException("row " + r + " has no end-of-text token (id " + eot + ")");
      }
      positions[r] = p;
    }
    return positions;
  }

  /**
   * The reference's {@code decode}: the tokens' byte symbols joined, decoded as UTF-8 (invalid
   * sequences become U+FFFD, as with Python's {@code errors="replace"}), and every {@code </w>}
   * replaced by a space. Special tokens and padding zeros (id 0 is {@code "!"}) are decoded like
   * any other id; strip them first if they are unwanted.
   *
   * @throws IllegalArgumentException for an id outside the vocabulary
   */
  public String decode(int[] ids) {
    StringBuilder symbols = new StringBuilder(ids.length * 4);
    for (int id : ids) {
      if (id < 0 || id >= vocabulary.size()) {
        throw new IllegalArgumentException(
            "id " + id + " is outside the vocabulary (0.." + (vocabulary.size() - 1) + ")");
      }
      symbols.append(vocabulary.token(id));
    }
    byte[] bytes = new byte[symbols.length()];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) ByteAlphabet.byteOf(symbols.charAt(i));
    }
    return ByteAlphabet.decodeUtf8(bytes, bytes.length).replace(ByteAlphabet.END_OF_WORD, " ");
  }

  /** Id of {@code <|startoftext|>} (49406 for CLIP). */
  public int sotTokenId() {
    return sot;
  }

  /** Id of {@code <|endoftext|>} (49407 for CLIP). */
  public int eotTokenId() {
    return eot;
  }

  /** Number of ids: the rows of the token embedding (49,408 for CLIP). */
  public int vocabularySize() {
    return vocabulary.size();
  }

  /** The vocabulary, for example to write it with {@link BpeVocabulary#writeHuggingFace(Path)}. */
  public BpeVocabulary vocabulary() {
    return vocabulary;
  }

  /** The vocabulary's {@link BpeVocabulary#identity()}: SHA-256 hex of its tokens and merges. */
  public String identity() {
    return vocabulary.identity();
  }

  @Override
  public String toString() {
    return "ClipTokenizer[" + vocabulary + "]";
  }

  /** BPE ids of one pre-token (never a special token). */
  private int[] bpe(String piece) {
    int[] cached = cache.get(piece);
    if (cached != null) {
      return cached;
    }
    byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
    int n = bytes.length;
    int[] word = new int[n];
    for (int i = 0; i < n - 1; i++) {
      word[i] = byteIds[bytes[i] & 0xFF];
    }
    word[n - 1] = lastByteIds[bytes[n - 1] & 0xFF];
    while (n > 1) {
      // The adjacent pair with the lowest merge rank; stop when no pair is a merge.
      int bestRank = Integer.MAX_VALUE;
      int bestSlot = -1;
      int left = -1;
      int right = -1;
      for (int i = 0; i < n - 1; i++) {
        int slot = mergeTable.find(word[i], word[i + 1]);
        if (slot >= 0 && mergeTable.rankAt(slot) < bestRank) {
          bestRank = mergeTable.rankAt(slot);
          bestSlot = slot;
          left = word[i];
          right = word[i + 1];
        }
      }
      if (bestSlot < 0) {
        break;
      }
      // Merge every occurrence of that pair, left to right, without overlaps.
      int merged = mergeTable.resultAt(bestSlot);
      int w = 0;
      for (int i = 0; i < n; ) {
        if (i < n - 1 && word[i] == left && word[i + 1] == right) {
          word[w++] = merged;
          i += 2;
        } else {
          word[w++] = word[i++];
        }
      }
      if (w == n) { // cannot happen: the best pair occurs at least once
        throw new IllegalStateException("BPE made no progress on " + piece);
      }
      n = w;
    }
    int[] ids = Arrays.copyOf(word, n);
    if (cache.size() >= CACHE_LIMIT) {
      cache.clear();
    }
    cache.put(piece, ids);
    return ids;
  }
}
