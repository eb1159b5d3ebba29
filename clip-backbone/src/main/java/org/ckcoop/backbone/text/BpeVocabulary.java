package org.ckcoop.backbone.text;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable, validated CLIP BPE vocabulary: the token of every id and the ranked merge rules.
 *
 * <p>Read it from any of the three layouts that CLIP checkpoints carry ({@link
 * #readHuggingFace(Path, Path)}, {@link #readTokenizerJson(Path)}, {@link #readOpenAiBpe(Path)},
 * or {@link #readFolder(Path)} to detect the layout), build it from merges in the reference order
 * ({@link #fromMerges(List)}, as {@link BpeTrainer} does), and write it in Hugging Face layout
 * ({@link #writeHuggingFace(Path)}).
 *
 * <p>Every vocabulary satisfies, checked on construction: ids are 0..size-1; tokens are distinct,
 * non-empty and made of the 256 byte-symbol characters only; the 256 byte symbols, the same with
 * {@code </w>}, {@code <|startoftext|>} and {@code <|endoftext|>} are present; both symbols and
 * the result of every merge are tokens; no merge appears twice. So encoding never meets an unknown
 * symbol.
 */
public final class BpeVocabulary {
  /** The start-of-text special token. */
  public static final String START_OF_TEXT = PreTokenizer.START_OF_TEXT;

  /** The end-of-text special token. */
  public static final String END_OF_TEXT = PreTokenizer.END_OF_TEXT;

  /** Number of merges that OpenAI's CLIP takes from its merge list: 49152 - 256 - 2. */
  public static final int OPENAI_MERGE_COUNT = 49152 - 256 - 2;

  private final List<String> tokens;
  private final Map<String, Integer> ids;
  private final List<BpeMerge> merges;
  private final String identity;

  private BpeVocabulary(List<String> tokens, Map<String, Integer> ids, List<BpeMerge> merges) {
    this.tokens = tokens;
    this.ids = ids;
    this.merges = merges;
    this.identity = computeIdentity(tokens, merges);
  }

  /**
   * A vocabulary from tokens listed by id and merges listed by rank.
   *
   * @throws TokenizerException when the vocabulary breaks one of the rules in the class comment
   */
  public static BpeVocabulary of(List<String> tokensById, List<BpeMerge> merges) {
    return create(tokensById, merges, VocabularySource.IN_MEMORY);
  }

  /**
   * The vocabulary that OpenAI's reference builds from merges: the 256 byte symbols, the same 256
   * with {@code </w>}, one token per merge in rank order, then {@code <|startoftext|>} and {@code
   * <|endoftext|>}.
   */
  public static BpeVocabulary fromMerges(List<BpeMerge> merges) {
    return create(referenceTokens(merges), merges, VocabularySource.IN_MEMORY);
  }

  /** Reads Hugging Face's {@code vocab.json} and {@code merges.txt}. */
  public static BpeVocabulary readHuggingFace(Path vocabJson, Path mergesTxt) {
    return VocabularyFiles.readHuggingFace(vocabJson, mergesTxt);
  }

  /**
   * Reads a Hugging Face {@code tokenizer.json}: {@code model.vocab}, {@code model.merges} (as
   * {@code "a b"} strings or {@code ["a", "b"]} pairs) and the two CLIP special tokens from {@code
   * added_tokens}; other added tokens are ignored, since CLIP's tokenizer never produces them.
   */
  public static BpeVocabulary readTokenizerJson(Path tokenizerJson) {
    return VocabularyFiles.readTokenizerJson(tokenizerJson);
  }

  /**
   * Reads OpenAI's {@code bpe_simple_vocab_16e6.txt.gz}: skips the header line and takes the
   * first {@link #OPENAI_MERGE_COUNT} merges, as {@code clip/simple_tokenizer.py} does.
   */
  public static BpeVocabulary readOpenAiBpe(Path bpeGz) {
    return VocabularyFiles.readOpenAiBpe(bpeGz);
  }

  /**
   * Reads the vocabulary of a checkpoint folder, preferring {@code vocab.json} + {@code
   * merges.txt}, then {@code tokenizer.json}, then {@code bpe_simple_vocab_16e6.txt.gz}.
   *
   * @throws TokenizerException naming the folder and the accepted file names when none is there
   */
  public static BpeVocabulary readFolder(Path dir) {
    return VocabularyFiles.readFolder(dir);
  }

  /**
   * Writes {@code vocab.json} and {@code merges.txt} (with a {@code #version: 0.2} header) into
   * {@code dir}, creating it if needed; each file is replaced atomically.
   */
  public void writeHuggingFace(Path dir) {
    VocabularyFiles.writeHuggingFace(this, dir);
  }

  /** Number of ids (49,408 for CLIP). */
  public int size() {
    return tokens.size();
  }

  /** The token of an id. */
  public String token(int id) {
    return tokens.get(id);
  }

  /** The id of a token, or -1 when the vocabulary does not have it. */
  public int id(String token) {
    Integer id = ids.get(token);
    return id == null ? -1 : id;
  }

  /** All tokens, by id (unmodifiable). */
  public List<String> tokens() {
    return tokens;
  }

  /** All merges, by rank (unmodifiable). */
  public List<BpeMerge> merges() {
    return merges;
  }

  /** Id of {@code <|startoftext|>}. */
  public int startOfTextId() {
    return ids.get(START_OF_TEXT);
  }

  /** Id of {@code <|endoftext|>}. */
  public int endOfTextId() {
    return ids.get(END_OF_TEXT);
  }

  /**
   * SHA-256 (lower-case hex) of a canonical serialisation: the ASCII tag {@code
   * ckcoop-clip-bpe-v1}, the number of tokens, each token by id, the number of merges, and the
   * left and right symbol of each merge by rank; every number is a 4-byte big-endian integer and
   * every string its UTF-8 length (4 bytes) followed by its UTF-8 bytes. The same vocabulary read
   * from any file layout has the same identity.
   */
  public String identity() {
    return identity;
  }

  /** Equal when tokens and merges are equal (the identity is a digest of both). */
  @Override
  public boolean equals(Object o) {
    return o instanceof BpeVocabulary other
        && identity.equals(other.identity)
        && tokens.equals(other.tokens)
        && merges.equals(other.merges);
  }

  @Override
  public int hashCode() {
    return identity.hashCode();
  }

  @Override
  public String toString() {
    return "BpeVocabulary[size=" + size() + ", merges=" + merges.size() + ", identity="
        + identity.substring(0, 12) + "]";
  }

  /** The reference token order for a merge list (see {@link #fromMerges(List)}). */
  static List<String> referenceTokens(List<BpeMerge> merges) {
    List<String> tokens = new ArrayList<>(512 + merges.size() + 2);
    tokens.addAll(ByteAlphabet.symbols());
    for (String s : ByteAlphabet.symbols()) {
      tokens.add(s + ByteAlphabet.END_OF_WORD);
    }
    for (BpeMerge m : merges) {
      tokens.add(m.merged());
    }
    tokens.add(START_OF_TEXT);
    tokens.add(END_OF_TEXT);
    return tokens;
  }

  /** Validates and builds; every error goes through {@code source} so that it names the file. */
  static BpeVocabulary create(
      List<String> tokensById, List<BpeMerge> mergesByRank, VocabularySource source) {
    List<String> tokens = List.copyOf(tokensById);
    Map<String, Integer> ids = new HashMap<>(tokens.size() * 2);
    for (int id = 0; id < tokens.size(); id++) {
      String t = tokens.get(id);
      if (t.isEmpty()) {
        throw source.vocabularyError("id " + id + " is the empty string");
      }
      if (!ByteAlphabet.isInAlphabet(t)) {
        throw source.vocabularyError("token " + quote(t) + " (id " + id + ") has a character"
            + " outside CLIP's 256 byte symbols; expected a byte-level BPE vocabulary");
      }
      Integer previous = ids.put(t, id);
      if (previous != null) {
        throw source.vocabularyError(
            "token " + quote(t) + " appears twice (ids " + previous + " and " + id + ")");
      }
    }
    for (String s : ByteAlphabet.symbols()) {
      requireToken(ids, s, source);
      requireToken(ids, s + ByteAlphabet.END_OF_WORD, source);
    }
    requireToken(ids, START_OF_TEXT, source);
    requireToken(ids, END_OF_TEXT, source);

    List<BpeMerge> merges = List.copyOf(mergesByRank);
    Set<BpeMerge> seen = new HashSet<>(merges.size() * 2);
    for (int rank = 0; rank < merges.size(); rank++) {
      BpeMerge m = merges.get(rank);
      if (!seen.add(m)) {
        throw source.mergeError(rank, "merge " + quote(m.toString()) + " appears twice");
      }
      for (String symbol : new String[] {m.left(), m.right(), m.merged()}) {
        if (!ids.containsKey(symbol)) {
          throw source.mergeError(rank, "merge " + quote(m.toString()) + " needs symbol "
              + quote(symbol) + ", which is not in the vocabulary" + source.vocabularySuffix());
        }
      }
    }
    return new BpeVocabulary(tokens, Collections.unmodifiableMap(ids), merges);
  }

  private static void requireToken(Map<String, Integer> ids, String token, VocabularySource src) {
    if (!ids.containsKey(token)) {
      throw src.vocabularyError("missing token " + quote(token) + "; a CLIP vocabulary has the"
          + " 256 byte symbols, the same with </w>, " + START_OF_TEXT + " and " + END_OF_TEXT);
    }
  }

  static String quote(String s) {
    return "'" + s + "'";
  }

  private static String computeIdentity(List<String> tokens, List<BpeMerge> merges) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    putString(digest, buf, "ckcoop-clip-bpe-v1");
    putInt(digest, buf, tokens.size());
    for (String t : tokens) {
      putString(digest, buf, t);
    }
    putInt(digest, buf, merges.size());
    for (BpeMerge m : merges) {
      putString(digest, buf, m.left());
      putString(digest, buf, m.right());
    }
    flush(digest, buf);
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void putInt(MessageDigest digest, ByteBuffer buf, int value) {
    if (buf.remaining() < 4) {
      flush(digest, buf);
    }
    buf.putInt(value);
  }

  private static void putString(MessageDigest digest, ByteBuffer buf, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    putInt(digest, buf, bytes.length);
    if (buf.remaining() < bytes.length) {
      flush(digest, buf);
    }
    if (bytes.length > buf.remaining()) {
      digest.update(bytes);
    } else {
      buf.put(bytes);
    }
  }

  private static void flush(MessageDigest digest, ByteBuffer buf) {
    buf.flip();
    digest.update(buf);
    buf.clear();
  }
}
