package org.ckcoop.backbone.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A CLIP checkpoint in canonical form, whatever layout it was stored in: its architecture, image
 * normalisation and F32 weights under OpenAI's names (see {@link ClipArchitecture#expectedShapes()}).
 *
 * @param source the folder or file it was read from (or a description for generated weights)
 * @param layout the name of the layout it was read from
 * @param architecture every size of the model
 * @param normalization the image normalisation the checkpoint states, or CLIP's
 * @param weights every weight, canonical names in {@link ClipArchitecture#expectedShapes()} order
 */
public record ClipCheckpoint(
    Path source,
    String layout,
    ClipArchitecture architecture,
    ImageNormalization normalization,
    Map<String, FloatTensor> weights) {

  /** Checks that the weights are exactly the architecture's, with the expected shapes. */
  public ClipCheckpoint {
    Map<String, long[]> expected = architecture.expectedShapes();
    if (!expected.keySet().equals(weights.keySet())) {
      throw new IllegalArgumentException("weights do not match the architecture's tensor names");
    }
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      if (!Arrays.equals(e.getValue(), weights.get(e.getKey()).shape())) {
        throw new IllegalArgumentException(
            "weight '" + e.getKey() + "' has shape " + Arrays.toString(weights.get(e.getKey()).shape())
                + ", expected " + Arrays.toString(e.getValue()));
      }
    }
    Map<String, FloatTensor> ordered = new LinkedHashMap<>();
    for (String k : expected.keySet()) {
      ordered.put(k, weights.get(k));
    }
    weights = java.util.Collections.unmodifiableMap(ordered);
  }

  /**
   * Returns a SHA-256 over the architecture, the normalisation and every weight's F32 values in
   * canonical order: the same model stored in any layout or any dtype that holds the same values has
   * the same hash.
   */
  public String contentHash() {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    digest.update((architecture + "|" + normalization).getBytes(StandardCharsets.UTF_8));
    ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (Map.Entry<String, FloatTensor> e : weights.entrySet()) {
      digest.update((e.getKey() + Arrays.toString(e.getValue().shape())).getBytes(StandardCharsets.UTF_8));
      for (float v : e.getValue().data()) {
        if (buffer.remaining() < 4) {
          digest.update(buffer.flip());
          buffer.clear();
        }
        buffer.putFloat(v);
      }
      digest.update(buffer.flip());
      buffer.clear();
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
