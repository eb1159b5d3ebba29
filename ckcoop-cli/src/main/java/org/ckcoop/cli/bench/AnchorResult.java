package org.ckcoop.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * One reply of {@code tools/bench/torch_anchor.py}: a JSON line with the per-step seconds after its
 * warm-up ({@code times_s}), their median, the torch version and its thread count; or an error.
 *
 * @param mode the anchor's mode
 * @param times the seconds of each timed step
 * @param median the median of {@code times} as the anchor computed it
 * @param torch the torch version
 * @param threads torch's intra-op threads
 * @param tokens the prompt length it used (0 when not a text workload)
 */
public record AnchorResult(String mode, double[] times, double median, String torch, int threads, int tokens) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Parses one reply line.
   *
   * @throws IllegalArgumentException when the line is not a reply (not JSON, an {@code error}, no
   *     {@code times_s})
   */
  public static AnchorResult parse(String line) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (IOException e) {
      throw new IllegalArgumentException("the anchor's reply is not JSON: " + line, e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("the anchor's reply is not a JSON object: " + line);
    }
    if (node.has("error")) {
      throw new IllegalArgumentException("the anchor failed: " + node.get("error").asText());
    }
    JsonNode times = node.get("times_s");
    if (times == null || !times.isArray() || times.size() == 0) {
      throw new IllegalArgumentException("the anchor's reply has no times_s: " + line);
    }
    double[] t = new double[times.size()];
    for (int i = 0; i < t.length; i++) {
      t[i] = times.get(i).asDouble();
    }
    return new AnchorResult(node.path("mode").asText(), t, node.path("median_s").asDouble(Summary.median(t)),
        node.path("torch").asText("?"), node.path("threads").asInt(0), node.path("tokens").asInt(0));
  }

  /** Returns the request as one JSON line. */
  static String requestLine(java.util.Map<String, Object> request) {
    try {
      return JSON.writeValueAsString(request);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
