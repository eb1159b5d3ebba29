package org.ckcoop.backbone.text;

import org.ckcoop.common.files.AtomicWrite;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** Reads and writes the vocabulary file layouts of CLIP checkpoints. */
final class VocabularyFiles {
  static final String VOCAB_JSON = "vocab.json";
  static final String MERGES_TXT = "merges.txt";
  static final String TOKENIZER_JSON = "tokenizer.json";
  static final String OPENAI_BPE = "bpe_simple_vocab_16e6.txt.gz";

  private static final String ACCEPTED = VOCAB_JSON + " + " + MERGES_TXT + ", " + TOKENIZER_JSON
      + " or " + OPENAI_BPE;

  private static final JsonFactory JSON_FACTORY = new JsonFactory();
  private static final ObjectMapper JSON = new ObjectMapper(JSON_FACTORY);

  private VocabularyFiles() {}

  static BpeVocabulary readFolder(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new TokenizerException(dir, "not a folder; expected a folder with " + ACCEPTED);
    }
    Path vocab = dir.resolve(VOCAB_JSON);
    Path merges = dir.resolve(MERGES_TXT);
    boolean hasVocab = Files.isRegularFile(vocab);
    boolean hasMerges = Files.isRegularFile(merges);
    if (hasVocab && hasMerges) {
      return readHuggingFace(vocab, merges);
    }
    Path tokenizerJson = dir.resolve(TOKENIZER_JSON);
    if (Files.isRegularFile(tokenizerJson)) {
      return readTokenizerJson(tokenizerJson);
    }
    Path gz = dir.resolve(OPENAI_BPE);
    if (Files.isRegularFile(gz)) {
      return readOpenAiBpe(gz);
    }
    String partial = hasVocab ? " (found " + VOCAB_JSON + " without " + MERGES_TXT + ")"
        : hasMerges ? " (found " + MERGES_TXT + " without " + VOCAB_JSON + ")" : "";
    throw new TokenizerException(dir, "no tokenizer vocabulary; expected " + ACCEPTED + partial);
  }

  static BpeVocabulary readHuggingFace(Path vocabJson, Path mergesTxt) {
    List<String> tokens = readVocabJson(vocabJson);
    List<BpeMerge> merges = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    String text = decodeUtf8(mergesTxt, readBytes(mergesTxt, "a merges.txt"));
    int lineNumber = 0;
    int start = 0;
    while (start <= text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      lineNumber++;
      String line = text.substring(start, end);
      start = end + 1;
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (line.isEmpty() || line.startsWith("#version")) {
        continue;
      }
      int space = line.indexOf(' ');
      if (space <= 0 || space == line.length() - 1 || line.indexOf(' ', space + 1) >= 0) {
        throw new TokenizerException(mergesTxt, "line " + lineNumber + ": "
            + BpeVocabulary.quote(line) + " is not a merge; expected two symbols separated by"
            + " one space");
      }
      merges.add(new BpeMerge(line.substring(0, space), line.substring(space + 1)));
      lines.add(lineNumber);
    }
    VocabularySource source =
        new VocabularySource(vocabJson, "", mergesTxt, rank -> "line " + lines.get(rank));
    return BpeVocabulary.create(tokens, merges, source);
  }

  /** A {@code vocab.json}: one JSON object mapping each token to its id, ids 0..n-1. */
  private static List<String> readVocabJson(Path file) {
    byte[] bytes = readBytes(file, "a vocab.json");
    Map<String, Integer> map = new LinkedHashMap<>(1 << 17);
    try (JsonParser p = JSON_FACTORY.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new TokenizerException(file, "expected a JSON object mapping tokens to ids");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String token = p.currentName();
        JsonToken value = p.nextToken();
        if (value != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT
            || p.getIntValue() < 0) {
          throw new TokenizerException(file, "the id of token " + BpeVocabulary.quote(token)
              + " is " + p.getText() + "; expected a non-negative integer");
        }
        if (map.put(token, p.getIntValue()) != null) {
          throw new TokenizerException(file, "token " + BpeVocabulary.quote(token)
              + " appears twice");
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new TokenizerException(file, "expected a single JSON object mapping tokens to ids");
      }
    } catch (JsonProcessingException e) {
      throw new TokenizerException(file, "not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new TokenizerException(file, "cannot read: " + e.getMessage(), e);
    }
    return denseTokens(file, "", map);
  }

  static BpeVocabulary readTokenizerJson(Path file) {
    byte[] bytes = readBytes(file, "a tokenizer.json");
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new TokenizerException(file, "not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new TokenizerException(file, "cannot read: " + e.getMessage(), e);
    }
    JsonNode model = root == null ? null : root.get("model");
    if (model == null || !model.isObject()) {
      throw new TokenizerException(file, "expected a JSON object with a 'model' object"
          + " (Hugging Face tokenizers format)");
    }
    requireText(file, model, "type", "BPE", false);
    requireText(file, model, "end_of_word_suffix", "</w>", true);
    requireText(file, model, "continuing_subword_prefix", "", true);
    JsonNode vocab = model.get("vocab");
    if (vocab == null || !vocab.isObject()) {
      throw new TokenizerException(file, "expected model.vocab, an object mapping tokens to ids");
    }
    Map<String, Integer> map = new LinkedHashMap<>(vocab.size() * 2);
    for (Map.Entry<String, JsonNode> e : vocab.properties()) {
      JsonNode id = e.getValue();
      if (!id.isInt() || id.intValue() < 0) {
        throw new TokenizerException(file, "model.vocab: the id of token "
            + BpeVocabulary.quote(e.getKey()) + " is " + id + "; expected a non-negative integer");
      }
      map.put(e.getKey(), id.intValue());
    }
    JsonNode added = root.get("added_tokens");
    if (added != null && added.isArray()) {
      for (int i = 0; i < added.size(); i++) {
        JsonNode t = added.get(i);
        String content = t.path("content").asText(null);
        if (!BpeVocabulary.START_OF_TEXT.equals(content)
            && !BpeVocabulary.END_OF_TEXT.equals(content)) {
          continue; // CLIP's tokenizer never produces other added tokens
        }
        JsonNode id = t.get("id");
        if (id == null || !id.isInt() || id.intValue() < 0) {
          throw new TokenizerException(file, "added_tokens[" + i + "]: expected a non-negative"
              + " integer 'id' for " + content);
        }
        Integer previous = map.putIfAbsent(content, id.intValue());
        if (previous != null && previous != id.intValue()) {
          throw new TokenizerException(file, "added_tokens[" + i + "]: " + content + " has id "
              + id.intValue() + " but model.vocab gives it id " + previous);
        }
      }
    }
    List<String> tokens = denseTokens(file, "model.vocab: ", map);

    JsonNode mergesNode = model.get("merges");
    if (mergesNode == null || !mergesNode.isArray()) {
      throw new TokenizerException(file, "expected model.merges, an array of merges");
    }
    List<BpeMerge> merges = new ArrayList<>(mergesNode.size());
    for (int i = 0; i < mergesNode.size(); i++) {
      JsonNode m = mergesNode.get(i);
      BpeMerge merge = null;
      if (m.isTextual()) {
        String[] parts = m.textValue().split(" ", -1);
        if (parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty()) {
          merge = new BpeMerge(parts[0], parts[1]);
        }
      } else if (m.isArray() && m.size() == 2 && m.get(0).isTextual() && m.get(1).isTextual()
          && !m.get(0).textValue().isEmpty() && !m.get(1).textValue().isEmpty()) {
        merge = new BpeMerge(m.get(0).textValue(), m.get(1).textValue());
      }
      if (merge == null) {
        throw new TokenizerException(file, "model.merges[" + i + "] is " + m
            + "; expected \"left right\" or [\"left\", \"right\"]");
      }
      merges.add(merge);
    }
    VocabularySource source =
        new VocabularySource(file, "model.vocab: ", file, rank -> "model.merges[" + rank + "]");
    return BpeVocabulary.create(tokens, merges, source);
  }

  private static void requireText(
      Path file, JsonNode model, String key, String expected, boolean nullAllowed) {
    JsonNode v = model.get(key);
    if (v == null || (nullAllowed && v.isNull())) {
      return;
    }
    if (!v.isTextual() || !v.textValue().equals(expected)) {
      throw new TokenizerException(file, "model." + key + " is " + v + "; expected \""
          + expected + "\" for CLIP's byte-level BPE");
    }
  }

  static BpeVocabulary readOpenAiBpe(Path file) {
    byte[] bytes;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      bytes = in.readAllBytes();
    } catch (NoSuchFileException e) {
      throw new TokenizerException(file, "file not found; expected OpenAI's " + OPENAI_BPE, e);
    } catch (IOException e) {
      throw new TokenizerException(file, "not a readable gzip file (" + e.getMessage()
          + "); expected OpenAI's gzip-compressed merge list " + OPENAI_BPE, e);
    }
    String text = decodeUtf8(file, bytes);
    List<BpeMerge> merges = new ArrayList<>(BpeVocabulary.OPENAI_MERGE_COUNT);
    int start = text.indexOf('\n') + 1; // line 1 is a header
    int lineNumber = 1;
    while (start > 0 && start <= text.length() && merges.size() < BpeVocabulary.OPENAI_MERGE_COUNT) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      lineNumber++;
      List<String> parts = splitPythonWhitespace(text.substring(start, end));
      if (parts.size() != 2) {
        throw new TokenizerException(file, "line " + lineNumber + ": "
            + BpeVocabulary.quote(text.substring(start, end))
            + " is not a merge; expected two symbols separated by a space");
      }
      merges.add(new BpeMerge(parts.get(0), parts.get(1)));
      start = end + 1;
    }
    if (merges.size() < BpeVocabulary.OPENAI_MERGE_COUNT) {
      throw new TokenizerException(file, "has " + merges.size() + " merge lines after the"
          + " header; expected at least " + BpeVocabulary.OPENAI_MERGE_COUNT
          + " (CLIP uses that many)");
    }
    VocabularySource source = new VocabularySource(file, "", file, rank -> "line " + (rank + 2));
    return BpeVocabulary.create(BpeVocabulary.referenceTokens(merges), merges, source);
  }

  /** Python's {@code str.split()} without arguments. */
  private static List<String> splitPythonWhitespace(String line) {
    List<String> parts = new ArrayList<>(2);
    int i = 0;
    while (i < line.length()) {
      while (i < line.length() && TextCleaner.isPythonSpace(line.charAt(i))) {
        i++;
      }
      int j = i;
      while (j < line.length() && !TextCleaner.isPythonSpace(line.charAt(j))) {
        j++;
      }
      if (j > i) {
        parts.add(line.substring(i, j));
      }
      i = j;
    }
    return parts;
  }

  static void writeHuggingFace(BpeVocabulary vocabulary, Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new TokenizerException(dir, "cannot create folder: " + e.getMessage(), e);
    }
    ByteArrayOutputStream json = new ByteArrayOutputStream(vocabulary.size() * 16);
    try (JsonGenerator g = JSON_FACTORY.createGenerator(json)) {
      g.writeStartObject();
      for (int id = 0; id < vocabulary.size(); id++) {
        g.writeNumberField(vocabulary.token(id), id);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new TokenizerException(dir.resolve(VOCAB_JSON), "cannot write: " + e.getMessage(), e);
    }
    json.write('\n');
    StringBuilder merges = new StringBuilder(vocabulary.merges().size() * 12);
    merges.append("#version: 0.2\n");
    for (BpeMerge m : vocabulary.merges()) {
      merges.append(m.left()).append(' ').append(m.right()).append('\n');
    }
    writeAtomically(dir.resolve(VOCAB_JSON), json.toByteArray());
    writeAtomically(dir.resolve(MERGES_TXT), merges.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void writeAtomically(Path file, byte[] bytes) {
    try {
      AtomicWrite.bytes(file, bytes);
    } catch (IOException e) {
      throw new TokenizerException(file, "cannot write: " + e.getMessage(), e);
    }
  }

  /** Tokens by id from a token-to-id map whose ids must be exactly 0..n-1. */
  private static List<String> denseTokens(Path file, String label, Map<String, Integer> map) {
    String[] byId = new String[map.size()];
    for (Map.Entry<String, Integer> e : map.entrySet()) {
      int id = e.getValue();
      if (id >= byId.length) {
        throw new TokenizerException(file, label + "token " + BpeVocabulary.quote(e.getKey())
            + " has id " + id + "; expected ids 0.." + (byId.length - 1) + " for "
            + byId.length + " tokens");
      }
      if (byId[id] != null) {
        throw new TokenizerException(file, label + "tokens " + BpeVocabulary.quote(byId[id])
            + " and " + BpeVocabulary.quote(e.getKey()) + " have the same id " + id);
      }
      byId[id] = e.getKey();
    }
    return List.of(byId);
  }

  private static byte[] readBytes(Path file, String expected) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new TokenizerException(file, "file not found; expected " + expected, e);
    } catch (IOException e) {
      throw new TokenizerException(file, "cannot read: " + e.getMessage(), e);
    }
  }

  private static String decodeUtf8(Path file, byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new TokenizerException(file, "not valid UTF-8 text", e);
    }
  }
}
