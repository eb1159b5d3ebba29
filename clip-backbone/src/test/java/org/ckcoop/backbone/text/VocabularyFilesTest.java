package org.ckcoop.backbone.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading, writing and validating the three vocabulary layouts, on small vocabularies made in the
 * test (no shared folder needed), including every error a malformed file must raise.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class VocabularyFilesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** A valid OpenAI-style merge list: 48,894 merges of two byte symbols each. */
  static List<String> syntheticMergeLines() {
    List<String> symbols = ByteAlphabet.symbols();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < BpeVocabulary.OPENAI_MERGE_COUNT; i++) {
      lines.add(symbols.get(i / 256) + " " + symbols.get(i % 256));
    }
    return lines;
  }

  static Path writeGz(Path file, String header, List<String> lines, String extra) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write((header + "\n" + String.join("\n", lines) + "\n" + extra)
          .getBytes(StandardCharsets.UTF_8));
    }
    return file;
  }

  static Path writeTokenizerJson(BpeVocabulary v, Path file, boolean mergesAsArrays)
      throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode added = root.putArray("added_tokens");
    added.addObject().put("id", v.startOfTextId()).put("content", BpeVocabulary.START_OF_TEXT);
    added.addObject().put("id", v.endOfTextId()).put("content", BpeVocabulary.END_OF_TEXT);
    added.addObject().put("id", v.size() + 5).put("content", "<|extra|>");
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.put("end_of_word_suffix", "</w>");
    model.putNull("continuing_subword_prefix");
    ObjectNode vocab = model.putObject("vocab");
    for (int id = 0; id < v.size(); id++) {
      if (id != v.startOfTextId()) { // the start token only comes from added_tokens
        vocab.put(v.token(id), id);
      }
    }
    ArrayNode merges = model.putArray("merges");
    for (BpeMerge m : v.merges()) {
      if (mergesAsArrays) {
        merges.addArray().add(m.left()).add(m.right());
      } else {
        merges.add(m.left() + " " + m.right());
      }
    }
    JSON.writeValue(file.toFile(), root);
    return file;
  }

  private BpeVocabulary tiny() {
    return TinyVocabularyTest.tiny().vocabulary();
  }

  private Path copyTinyTo(Path target) throws IOException {
    Files.createDirectories(target);
    tiny().writeHuggingFace(target);
    return target;
  }

  // ---------------------------------------------------------------- the three layouts agree

  @Test
  void theSameVocabularyInAllLayoutsHasTheSameIdentityAndIds() throws IOException {
    Path gz = writeGz(dir.resolve("bpe_simple_vocab_16e6.txt.gz"), "\"header#version: 0.2",
        syntheticMergeLines(), "ignored extra merge lines\nx y z");
    ClipTokenizer fromGz = ClipTokenizer.fromOpenAiBpe(gz);
    assertThat(fromGz.vocabularySize()).isEqualTo(49408);
    assertThat(fromGz.sotTokenId()).isEqualTo(49406);

    Path hf = dir.resolve("hf");
    fromGz.vocabulary().writeHuggingFace(hf);
    ClipTokenizer fromHf =
        ClipTokenizer.fromHuggingFaceFiles(hf.resolve("vocab.json"), hf.resolve("merges.txt"));
    ClipTokenizer fromJsonStrings = ClipTokenizer.fromTokenizerJson(
        writeTokenizerJson(fromGz.vocabulary(), dir.resolve("t1.json"), false));
    ClipTokenizer fromJsonArrays = ClipTokenizer.fromTokenizerJson(
        writeTokenizerJson(fromGz.vocabulary(), dir.resolve("t2.json"), true));

    for (ClipTokenizer t : List.of(fromHf, fromJsonStrings, fromJsonArrays)) {
      assertThat(t.identity()).isEqualTo(fromGz.identity());
      assertThat(t.vocabulary()).isEqualTo(fromGz.vocabulary());
      assertThat(t.encode("Hello, world! 123")).containsExactly(fromGz.encode("Hello, world! 123"));
    }
    // A different vocabulary has a different identity.
    assertThat(tiny().identity()).isNotEqualTo(fromGz.identity());
  }

  @Test
  void identityIsTheDocumentedDigest() throws Exception {
    BpeVocabulary v = BpeVocabulary.fromMerges(List.of(new BpeMerge("a", "b</w>")));
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
    writeString(out, "ckcoop-clip-bpe-v1");
    out.writeInt(v.size());
    for (String t : v.tokens()) {
      writeString(out, t);
    }
    out.writeInt(1);
    writeString(out, "a");
    writeString(out, "b</w>");
    byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
    assertThat(v.identity()).isEqualTo(java.util.HexFormat.of().formatHex(digest));
    assertThat(v.size()).isEqualTo(515);
    assertThat(v.token(512)).isEqualTo("ab</w>");
  }

  private static void writeString(java.io.DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  @Test
  void writeThenReadRoundTrips() throws IOException {
    Path out = dir.resolve("written");
    tiny().writeHuggingFace(out);
    BpeVocabulary back = BpeVocabulary.readHuggingFace(out.resolve("vocab.json"),
        out.resolve("merges.txt"));
    assertThat(back).isEqualTo(tiny());
    assertThat(Files.readAllLines(out.resolve("merges.txt")).get(0)).isEqualTo("#version: 0.2");
    assertThat(Files.list(out).map(p -> p.getFileName().toString()))
        .containsExactlyInAnyOrder("vocab.json", "merges.txt");
  }

  @Test
  void mergesTxtWithCrLfAndWithoutFinalNewlineIsRead() throws IOException {
    Path hf = copyTinyTo(dir.resolve("crlf"));
    String text = Files.readString(hf.resolve("merges.txt"));
    Files.writeString(hf.resolve("merges.txt"), text.strip().replace("\n", "\r\n"));
    assertThat(BpeVocabulary.readFolder(hf)).isEqualTo(tiny());
  }

  // ---------------------------------------------------------------- folder detection

  @Test
  void folderPrefersVocabJsonThenTokenizerJsonThenGz() throws IOException {
    Path folder = dir.resolve("checkpoint");
    copyTinyTo(folder);
    BpeVocabulary smaller = BpeTrainer.train(TinyCorpus.captions(), 20);
    writeTokenizerJson(smaller, folder.resolve("tokenizer.json"), true);
    writeGz(folder.resolve("bpe_simple_vocab_16e6.txt.gz"), "#version: 0.2",
        syntheticMergeLines(), "");

    assertThat(ClipTokenizer.fromFolder(folder).identity()).isEqualTo(tiny().identity());
    Files.delete(folder.resolve("merges.txt")); // vocab.json alone is not enough
    assertThat(ClipTokenizer.fromFolder(folder).identity()).isEqualTo(smaller.identity());
    Files.delete(folder.resolve("tokenizer.json"));
    assertThat(ClipTokenizer.fromFolder(folder).vocabularySize()).isEqualTo(49408);
  }

  @Test
  void folderWithoutVocabularyNamesTheFolderAndTheAcceptedFiles() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> ClipTokenizer.fromFolder(empty))
        .isInstanceOf(TokenizerException.class)
        .hasMessageStartingWith(empty.toString())
        .hasMessageContaining("vocab.json + merges.txt")
        .hasMessageContaining("tokenizer.json")
        .hasMessageContaining("bpe_simple_vocab_16e6.txt.gz");
    Files.writeString(empty.resolve("vocab.json"), "{}");
    assertThatThrownBy(() -> ClipTokenizer.fromFolder(empty))
        .hasMessageContaining("found vocab.json without merges.txt");
    Path missing = dir.resolve("does-not-exist");
    assertThatThrownBy(() -> ClipTokenizer.fromFolder(missing))
        .isInstanceOf(TokenizerException.class)
        .hasMessageStartingWith(missing.toString())
        .hasMessageContaining("not a folder");
  }

  // ---------------------------------------------------------------- missing files

  @Test
  void missingFilesAreNamed() throws IOException {
    Path hf = copyTinyTo(dir.resolve("hf"));
    Path nowhere = dir.resolve("nowhere");
    assertThatThrownBy(() -> ClipTokenizer.fromHuggingFaceFiles(
            nowhere.resolve("vocab.json"), hf.resolve("merges.txt")))
        .isInstanceOf(TokenizerException.class)
        .hasMessage(nowhere.resolve("vocab.json") + ": file not found; expected a vocab.json");
    assertThatThrownBy(() -> ClipTokenizer.fromHuggingFaceFiles(
            hf.resolve("vocab.json"), nowhere.resolve("merges.txt")))
        .hasMessage(nowhere.resolve("merges.txt") + ": file not found; expected a merges.txt");
    assertThatThrownBy(() -> ClipTokenizer.fromTokenizerJson(nowhere.resolve("tokenizer.json")))
        .hasMessageStartingWith(nowhere.resolve("tokenizer.json") + ": file not found");
    assertThatThrownBy(() -> ClipTokenizer.fromOpenAiBpe(nowhere.resolve("x.gz")))
        .hasMessageStartingWith(nowhere.resolve("x.gz") + ": file not found");
  }

  // ---------------------------------------------------------------- malformed vocab.json

  private void assertVocabJsonRejected(String content, String... fragments) throws IOException {
    Path hf = copyTinyTo(dir.resolve("v" + Integer.toHexString(content.hashCode())));
    Path vocab = hf.resolve("vocab.json");
    Files.writeString(vocab, content);
    var assertion = assertThatThrownBy(() -> ClipTokenizer.fromFolder(hf))
        .isInstanceOf(TokenizerException.class)
        .hasMessageStartingWith(vocab + ": ");
    for (String f : fragments) {
      assertion.hasMessageContaining(f);
    }
  }

  @Test
  void malformedVocabJsonIsRejected() throws IOException {
    assertVocabJsonRejected("not json", "not valid JSON");
    assertVocabJsonRejected("{\"a\": 0,", "not valid JSON");
    assertVocabJsonRejected("[\"a\", \"b\"]", "expected a JSON object mapping tokens to ids");
    assertVocabJsonRejected("{\"!\": \"zero\"}", "the id of token '!' is zero",
        "expected a non-negative integer");
    assertVocabJsonRejected("{\"!\": -1}", "expected a non-negative integer");
    assertVocabJsonRejected("{\"!\": 1.5}", "expected a non-negative integer");
    assertVocabJsonRejected("{\"!\": 0, \"!\": 1}", "token '!' appears twice");
    assertVocabJsonRejected("{\"!\": 0} {}", "expected a single JSON object");
    assertVocabJsonRejected("{\"!\": 0, \"\\\"\": 2}", "has id 2; expected ids 0..1");
    assertVocabJsonRejected("{\"!\": 0, \"\\\"\": 0}", "have the same id 0");
    assertVocabJsonRejected("{\"!\": 0, \"\\\"\": 1}", "missing token");
  }

  @Test
  void vocabularyMustBeByteLevel() throws IOException {
    List<String> tokens = new ArrayList<>(tiny().tokens());
    tokens.add("hello world");
    assertThatThrownBy(() -> BpeVocabulary.of(tokens, tiny().merges()))
        .isInstanceOf(TokenizerException.class)
        .hasMessageContaining("token 'hello world'")
        .hasMessageContaining("outside CLIP's 256 byte symbols");
    List<String> withoutEot = new ArrayList<>(tiny().tokens().subList(0, tiny().size() - 1));
    assertThatThrownBy(() -> BpeVocabulary.of(withoutEot, tiny().merges()))
        .hasMessage("vocabulary: missing token '<|endoftext|>'; a CLIP vocabulary has the 256"
            + " byte symbols, the same with </w>, <|startoftext|> and <|endoftext|>");
  }

  // ---------------------------------------------------------------- malformed merges.txt

  private Path hfWithMerges(String name, String merges) throws IOException {
    Path hf = copyTinyTo(dir.resolve(name));
    Files.writeString(hf.resolve("merges.txt"), merges);
    return hf;
  }

  @Test
  void malformedMergeLinesAreRejectedWithTheirLineNumber() throws IOException {
    Path hf = hfWithMerges("m1", "#version: 0.2\no f</w>\na b c\n");
    assertThatThrownBy(() -> ClipTokenizer.fromFolder(hf))
        .isInstanceOf(TokenizerException.class)
        .hasMessage(hf.resolve("merges.txt") + ": line 3: 'a b c' is not a merge; expected two"
            + " symbols separated by one space");
    Path hf2 = hfWithMerges("m2", "#version: 0.2\nof\n");
    assertThatThrownBy(() -> ClipTokenizer.fromFolder(hf2)).hasMessageContaining("line 2: 'of'");
    Path hf3 = hfWithMerges("m3", "#version: 0.2\no  f\n");
    assertThatThrownBy(() -> ClipTokenizer.fromFolder(hf3)).hasMessageContaining("line 2");
  }

  @Test
  void mergesReferencingUnknownSymbolsAreRejected() throws IOException {
    // The reference (which builds its vocabulary from the merges) would accept such a merge and
    // never apply it; Hugging Face tokenizers reject it. We reject it, naming file and line.
    Path hf = hfWithMerges("u1", "#version: 0.2\no f</w>\nzq x\n");
    assertThatThrownBy(() -> ClipTokenizer.fromFolder(hf))
        .isInstanceOf(TokenizerException.class)
        .hasMessage(hf.resolve("merges.txt") + ": line 3: merge 'zq x' needs symbol 'zq', which"
            + " is not in the vocabulary " + hf.resolve("vocab.json"));
    // Known symbols whose merge result is not a token.
    Path hf2 = hfWithMerges("u2", "#version: 0.2\nq x\n");
    assertThatThrownBy(() -> ClipTokenizer.fromFolder(hf2))
        .hasMessageContaining("line 2: merge 'q x' needs symbol 'qx'");
  }

  @Test
  void duplicateMergesAreRejected() throws IOException {
    Path hf = hfWithMerges("d", "#version: 0.2\no f</w>\nh o\no f</w>\n");
    assertThatThrownBy(() -> ClipTokenizer.fromFolder(hf))
        .hasMessage(hf.resolve("merges.txt") + ": line 4: merge 'o f</w>' appears twice");
  }

  @Test
  void mergesTxtMustBeUtf8() throws IOException {
    Path hf = copyTinyTo(dir.resolve("latin1"));
    Files.write(hf.resolve("merges.txt"), new byte[] {'#', '\n', (byte) 0xC3, ' ', 'a', '\n'});
    assertThatThrownBy(() -> ClipTokenizer.fromFolder(hf))
        .hasMessage(hf.resolve("merges.txt") + ": not valid UTF-8 text");
  }

  // ---------------------------------------------------------------- corrupted gz

  @Test
  void corruptedGzIsRejectedNamingTheFile() throws IOException {
    Path random = dir.resolve("random.gz");
    byte[] noise = new byte[1000];
    new java.util.Random(7).nextBytes(noise);
    Files.write(random, noise);
    assertThatThrownBy(() -> ClipTokenizer.fromOpenAiBpe(random))
        .isInstanceOf(TokenizerException.class)
        .hasMessageStartingWith(random + ": not a readable gzip file")
        .hasMessageContaining("expected OpenAI's gzip-compressed merge list");

    Path good = writeGz(dir.resolve("good.gz"), "#version: 0.2", syntheticMergeLines(), "");
    byte[] bytes = Files.readAllBytes(good);
    Path truncated = dir.resolve("truncated.gz");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> ClipTokenizer.fromOpenAiBpe(truncated))
        .isInstanceOf(TokenizerException.class)
        .hasMessageStartingWith(truncated + ": not a readable gzip file");

    Path plain = dir.resolve("plain.gz");
    Files.writeString(plain, "#version: 0.2\ni n\n");
    assertThatThrownBy(() -> ClipTokenizer.fromOpenAiBpe(plain))
        .hasMessageStartingWith(plain + ": not a readable gzip file");
  }

  @Test
  void gzWithTooFewOrBadMergesIsRejected() throws IOException {
    List<String> lines = syntheticMergeLines();
    Path few = writeGz(dir.resolve("few.gz"), "#version: 0.2", lines.subList(0, 100), "");
    assertThatThrownBy(() -> ClipTokenizer.fromOpenAiBpe(few))
        .hasMessageStartingWith(few + ": line 102: '' is not a merge");
    Path fewNoNewline = dir.resolve("few2.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(fewNoNewline))) {
      out.write(("#version: 0.2\n" + String.join("\n", lines.subList(0, 100)))
          .getBytes(StandardCharsets.UTF_8));
    }
    assertThatThrownBy(() -> ClipTokenizer.fromOpenAiBpe(fewNoNewline))
        .hasMessage(fewNoNewline + ": has 100 merge lines after the header; expected at least"
            + " 48894 (CLIP uses that many)");

    List<String> bad = new ArrayList<>(lines);
    bad.set(9, "a b c");
    Path badLine = writeGz(dir.resolve("bad.gz"), "#version: 0.2", bad, "");
    assertThatThrownBy(() -> ClipTokenizer.fromOpenAiBpe(badLine))
        .hasMessage(badLine + ": line 11: 'a b c' is not a merge; expected two symbols"
            + " separated by a space");

    List<String> unknown = new ArrayList<>(lines);
    unknown.set(4, "zzz q");
    Path unknownSymbol = writeGz(dir.resolve("unknown.gz"), "#version: 0.2", unknown, "");
    assertThatThrownBy(() -> ClipTokenizer.fromOpenAiBpe(unknownSymbol))
        .hasMessage(unknownSymbol + ": line 6: merge 'zzz q' needs symbol 'zzz', which is not in"
            + " the vocabulary");

    List<String> duplicate = new ArrayList<>(lines);
    duplicate.set(7, lines.get(3));
    Path dup = writeGz(dir.resolve("dup.gz"), "#version: 0.2", duplicate, "");
    assertThatThrownBy(() -> ClipTokenizer.fromOpenAiBpe(dup))
        .isInstanceOf(TokenizerException.class)
        .hasMessageStartingWith(dup + ": ")
        .hasMessageContaining("appears twice");
  }

  // ---------------------------------------------------------------- malformed tokenizer.json

  private void assertTokenizerJsonRejected(ObjectNode root, String fragment) throws IOException {
    Path file = dir.resolve("tokenizer-" + Integer.toHexString(root.hashCode()) + ".json");
    JSON.writeValue(file.toFile(), root);
    assertThatThrownBy(() -> ClipTokenizer.fromTokenizerJson(file))
        .isInstanceOf(TokenizerException.class)
        .hasMessageStartingWith(file + ": ")
        .hasMessageContaining(fragment);
  }

  private ObjectNode validTokenizerJson() throws IOException {
    Path file = writeTokenizerJson(tiny(), dir.resolve("valid.json"), false);
    return (ObjectNode) JSON.readTree(file.toFile());
  }

  @Test
  void tokenizerJsonIsReadWithSpecialTokensFromAddedTokens() throws IOException {
    Path file = writeTokenizerJson(tiny(), dir.resolve("ok.json"), false);
    assertThat(BpeVocabulary.readTokenizerJson(file)).isEqualTo(tiny());
  }

  @Test
  void malformedTokenizerJsonIsRejected() throws IOException {
    assertTokenizerJsonRejected(JSON.createObjectNode(), "expected a JSON object with a 'model'");

    ObjectNode wordPiece = validTokenizerJson();
    ((ObjectNode) wordPiece.get("model")).put("type", "WordPiece");
    assertTokenizerJsonRejected(wordPiece, "model.type is \"WordPiece\"; expected \"BPE\"");

    ObjectNode suffix = validTokenizerJson();
    ((ObjectNode) suffix.get("model")).put("end_of_word_suffix", "##");
    assertTokenizerJsonRejected(suffix, "model.end_of_word_suffix");

    ObjectNode noVocab = validTokenizerJson();
    ((ObjectNode) noVocab.get("model")).remove("vocab");
    assertTokenizerJsonRejected(noVocab, "expected model.vocab");

    ObjectNode badMerge = validTokenizerJson();
    ((ArrayNode) badMerge.get("model").get("merges")).insert(3, "a b c");
    assertTokenizerJsonRejected(badMerge, "model.merges[3] is \"a b c\"");

    ObjectNode badArray = validTokenizerJson();
    ((ArrayNode) badArray.get("model").get("merges")).insertArray(0).add("a");
    assertTokenizerJsonRejected(badArray, "model.merges[0] is [\"a\"]");

    ObjectNode unknown = validTokenizerJson();
    ((ArrayNode) unknown.get("model").get("merges")).insert(2, "zq x");
    assertTokenizerJsonRejected(unknown,
        "model.merges[2]: merge 'zq x' needs symbol 'zq', which is not in the vocabulary");

    ObjectNode conflict = validTokenizerJson();
    ((ObjectNode) conflict.get("added_tokens").get(1)).put("id", 3);
    assertTokenizerJsonRejected(conflict, "added_tokens[1]: <|endoftext|> has id 3 but"
        + " model.vocab gives it id " + tiny().endOfTextId());

    ObjectNode gap = validTokenizerJson();
    ((ObjectNode) gap.get("model").get("vocab")).put("!", 100000);
    assertTokenizerJsonRejected(gap, "model.vocab: token '!' has id 100000");
  }
}
