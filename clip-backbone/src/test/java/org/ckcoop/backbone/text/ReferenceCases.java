package org.ckcoop.backbone.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Expected ids produced by Python, read from a JSON test resource or file: {@code
 * reference-tokens.json} and {@code tiny-vocab-tokens.json} (see {@code
 * generate_reference_tokens.py}) and the shared {@code golden-tokens.json}.
 */
final class ReferenceCases {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A text with its ids (without start/end tokens) and the reference's decode of those ids. */
  record Case(String text, int[] ids, String decoded) {}

  /** Ids with the reference's decode of them. */
  record DecodeCase(int[] ids, String text) {}

  final String source;
  final List<Case> cases;
  final List<DecodeCase> decodeCases;

  private ReferenceCases(String source, List<Case> cases, List<DecodeCase> decodeCases) {
    this.source = source;
    this.cases = cases;
    this.decodeCases = decodeCases;
  }

  /** A resource next to this class, in the format of generate_reference_tokens.py. */
  static ReferenceCases resource(String name) {
    try (InputStream in = ReferenceCases.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      JsonNode root = JSON.readTree(in);
      List<Case> cases = new ArrayList<>();
      for (JsonNode c : root.get("cases")) {
        cases.add(new Case(c.get("text").textValue(), ints(c.get("ids")),
            c.get("decoded").textValue()));
      }
      List<DecodeCase> decode = new ArrayList<>();
      for (JsonNode c : root.get("decode")) {
        decode.add(new DecodeCase(ints(c.get("ids")), c.get("text").textValue()));
      }
      return new ReferenceCases(root.get("source").textValue(), cases, decode);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The shared golden-tokens.json: an array of {"text", "ids"}. */
  static List<Case> golden(Path file) {
    try {
      List<Case> cases = new ArrayList<>();
      for (JsonNode c : JSON.readTree(file.toFile())) {
        cases.add(new Case(c.get("text").textValue(), ints(c.get("ids")), null));
      }
      return cases;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).intValue();
    }
    return out;
  }

  /** Human-readable list of the cases a tokenizer gets wrong (empty when all match). */
  static List<String> encodeMismatches(ClipTokenizer tokenizer, List<Case> cases) {
    List<String> bad = new ArrayList<>();
    for (Case c : cases) {
      int[] actual = tokenizer.encode(c.text());
      if (!java.util.Arrays.equals(actual, c.ids())) {
        bad.add(escape(c.text()) + ": expected " + java.util.Arrays.toString(c.ids()) + " got "
            + java.util.Arrays.toString(actual));
      }
    }
    return bad;
  }

  /** Cases whose decode differs: both the decode of each case's ids and the decode cases. */
  List<String> decodeMismatches(ClipTokenizer tokenizer) {
    List<String> bad = new ArrayList<>();
    for (Case c : cases) {
      String actual = tokenizer.decode(c.ids());
      if (!actual.equals(c.decoded())) {
        bad.add(escape(c.text()) + ": decoded " + escape(actual) + ", expected "
            + escape(c.decoded()));
      }
    }
    for (DecodeCase c : decodeCases) {
      String actual = tokenizer.decode(c.ids());
      if (!actual.equals(c.text())) {
        bad.add(java.util.Arrays.toString(c.ids()) + ": decoded " + escape(actual)
            + ", expected " + escape(c.text()));
      }
    }
    return bad;
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7F) {
        b.append(c);
      } else {
        b.append(String.format("\\u%04x", (int) c));
      }
    }
    return b.append('"').toString();
  }
}
