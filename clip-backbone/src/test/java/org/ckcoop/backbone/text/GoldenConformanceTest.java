package org.ckcoop.backbone.text;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Conformance with OpenAI's tokenizer on the real CLIP vocabulary in {@code ../shared/clip-bpe},
 * read from each of the three file layouts (plus a tokenizer.json built from vocab.json and
 * merges.txt). Skipped when the shared folder is absent.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GoldenConformanceTest {
  private static final Map<String, ClipTokenizer> LOADED = new ConcurrentHashMap<>();

  @TempDir static Path temp;

  static Stream<String> sources() {
    return Stream.of("vocab.json+merges.txt", "tokenizer.json", "bpe_simple_vocab_16e6.txt.gz",
        "folder");
  }

  static ClipTokenizer load(String source) {
    Path dir = SharedClipBpe.dirOrSkip();
    return LOADED.computeIfAbsent(source, s -> switch (s) {
      case "vocab.json+merges.txt" ->
          ClipTokenizer.fromHuggingFaceFiles(dir.resolve("vocab.json"), dir.resolve("merges.txt"));
      case "tokenizer.json" -> ClipTokenizer.fromTokenizerJson(writeTokenizerJson(dir, temp));
      case "bpe_simple_vocab_16e6.txt.gz" ->
          ClipTokenizer.fromOpenAiBpe(dir.resolve("bpe_simple_vocab_16e6.txt.gz"));
      case "folder" -> ClipTokenizer.fromFolder(dir);
      default -> throw new IllegalArgumentException(s);
    });
  }

  /**
   * A tokenizer.json in the Hugging Face tokenizers layout of CLIP checkpoints, built from the
   * shared vocab.json and merges.txt: merges alternate between the "a b" and ["a", "b"] forms, and
   * the special tokens are also listed in added_tokens.
   */
  static Path writeTokenizerJson(Path shared, Path dir) {
    try {
      ObjectMapper json = new ObjectMapper();
      ObjectNode root = json.createObjectNode();
      root.put("version", "1.0");
      ArrayNode added = root.putArray("added_tokens");
      added.addObject().put("id", 49406).put("content", "<|startoftext|>").put("special", true);
      added.addObject().put("id", 49407).put("content", "<|endoftext|>").put("special", true);
      ObjectNode model = root.putObject("model");
      model.put("type", "BPE");
      model.putNull("dropout");
      model.put("unk_token", "<|endoftext|>");
      model.put("continuing_subword_prefix", "");
      model.put("end_of_word_suffix", "</w>");
      model.put("fuse_unk", false);
      model.set("vocab", json.readTree(shared.resolve("vocab.json").toFile()));
      ArrayNode merges = model.putArray("merges");
      List<String> lines = Files.readAllLines(shared.resolve("merges.txt"));
      int i = 0;
      for (String line : lines) {
        if (line.isEmpty() || line.startsWith("#version")) {
          continue;
        }
        if (i++ % 2 == 0) {
          merges.add(line);
        } else {
          String[] parts = line.split(" ");
          merges.addArray().add(parts[0]).add(parts[1]);
        }
      }
      Path file = dir.resolve("tokenizer.json");
      json.writeValue(file.toFile(), root);
      return file;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @ParameterizedTest
  @MethodSource("sources")
  void goldenTokensMatchExactly(String source) {
    ClipTokenizer tokenizer = load(source);
    List<ReferenceCases.Case> golden =
        ReferenceCases.golden(SharedClipBpe.dirOrSkip().resolve("golden-tokens.json"));
    assertThat(golden).hasSizeGreaterThanOrEqualTo(12);
    assertThat(ReferenceCases.encodeMismatches(tokenizer, golden)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("sources")
  void pythonReferenceIdsMatchExactly(String source) {
    ClipTokenizer tokenizer = load(source);
    ReferenceCases ref = ReferenceCases.resource("reference-tokens.json");
    assertThat(ref.cases).hasSizeGreaterThan(600);
    assertThat(ReferenceCases.encodeMismatches(tokenizer, ref.cases)).isEmpty();
  }

  @Test
  void decodeMatchesPythonReference() {
    ReferenceCases ref = ReferenceCases.resource("reference-tokens.json");
    assertThat(ref.decodeMismatches(load("vocab.json+merges.txt"))).isEmpty();
  }

  @Test
  void allLayoutsGiveTheSameVocabularyAndIdentity() {
    ClipTokenizer hf = load("vocab.json+merges.txt");
    for (String source : List.of("tokenizer.json", "bpe_simple_vocab_16e6.txt.gz", "folder")) {
      ClipTokenizer other = load(source);
      assertThat(other.identity()).as(source).isEqualTo(hf.identity());
      assertThat(other.vocabulary()).as(source).isEqualTo(hf.vocabulary());
    }
    assertThat(hf.identity()).matches("[0-9a-f]{64}");
  }

  @Test
  void realVocabularyHasClipsShape() {
    ClipTokenizer t = load("bpe_simple_vocab_16e6.txt.gz");
    assertThat(t.vocabularySize()).isEqualTo(49408);
    assertThat(t.sotTokenId()).isEqualTo(49406);
    assertThat(t.eotTokenId()).isEqualTo(49407);
    assertThat(t.vocabulary().merges()).hasSize(BpeVocabulary.OPENAI_MERGE_COUNT);
    assertThat(t.vocabulary().token(0)).isEqualTo("!");
    assertThat(t.vocabulary().token(256)).isEqualTo("!</w>");
    assertThat(t.vocabulary().token(512)).isEqualTo("in");
  }

  @Test
  void clipTokenizeOfAPrompt() {
    ClipTokenizer t = load("vocab.json+merges.txt");
    long[][] rows = t.tokenize(List.of("a photo of a dog."), 77);
    assertThat(rows[0]).startsWith(49406, 320, 1125, 539, 320, 1929, 269, 49407, 0);
    assertThat(t.eotPositions(rows)).containsExactly(7);
    assertThat(t.decode(t.encode("A photo of a DOG."))).isEqualTo("a photo of a dog . ");
  }

  @Test
  void writingHuggingFaceLayoutReproducesTheSharedFiles(@TempDir Path out) throws Exception {
    Path shared = SharedClipBpe.dirOrSkip();
    ClipTokenizer gz = load("bpe_simple_vocab_16e6.txt.gz");
    gz.vocabulary().writeHuggingFace(out);
    assertThat(Files.readAllLines(out.resolve("merges.txt")))
        .isEqualTo(Files.readAllLines(shared.resolve("merges.txt")));
    ObjectMapper json = new ObjectMapper();
    assertThat(json.readTree(out.resolve("vocab.json").toFile()))
        .isEqualTo(json.readTree(shared.resolve("vocab.json").toFile()));
    assertThat(ClipTokenizer.fromFolder(out).identity()).isEqualTo(gz.identity());
  }

  @Test
  void loadingIsFast() {
    Path dir = SharedClipBpe.dirOrSkip();
    load("vocab.json+merges.txt"); // warm up class loading and Jackson
    long start = System.nanoTime();
    ClipTokenizer t =
        ClipTokenizer.fromHuggingFaceFiles(dir.resolve("vocab.json"), dir.resolve("merges.txt"));
    long hfMillis = (System.nanoTime() - start) / 1_000_000;
    start = System.nanoTime();
    ClipTokenizer.fromOpenAiBpe(dir.resolve("bpe_simple_vocab_16e6.txt.gz"));
    long gzMillis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("loading the CLIP vocabulary: vocab.json+merges.txt %d ms, .gz %d ms%n",
        hfMillis, gzMillis);
    // Generous bound so that a loaded CI machine does not fail; typical is well under 300 ms.
    assertThat(hfMillis).isLessThan(3000);
    assertThat(gzMillis).isLessThan(3000);
    assertThat(t.vocabularySize()).isEqualTo(49408);
  }
}
