package org.ckcoop.backbone.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** The golden fixtures written by {@code golden/generate_golden.py} from real Pillow. */
final class GoldenManifest {
  /** One line of golden.txt: its kind and its whitespace-separated fields. */
  record Entry(String kind, List<String> fields) {
    String field(int i) {
      return fields.get(i);
    }

    int intField(int i) {
      return Integer.parseInt(fields.get(i));
    }

    float floatField(int i) {
      return Float.parseFloat(fields.get(i));
    }

    @Override
    public String toString() {
      return kind + " " + String.join(" ", fields.subList(0, Math.min(fields.size(), 8)));
    }
  }

  private static final Path DIR = directory();

  private GoldenManifest() {}

  private static Path directory() {
    URL url = GoldenManifest.class.getResource("golden/golden.txt");
    if (url == null) {
      throw new IllegalStateException("golden/golden.txt is not on the test classpath");
    }
    try {
      return Path.of(url.toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path file(String name) {
    return DIR.resolve(name);
  }

  static List<Entry> entries(String kind) {
    List<Entry> out = new ArrayList<>();
    try {
      List<String> lines = new ArrayList<>(Files.readAllLines(DIR.resolve("golden.txt")));
      lines.addAll(Files.readAllLines(DIR.resolve("golden-cmyk.txt"))); // written by cmyk_fixtures.py
      for (String line : lines) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        String[] parts = trimmed.split("\\s+");
        if (parts[0].equals(kind)) {
          out.add(new Entry(parts[0], List.of(Arrays.copyOfRange(parts, 1, parts.length))));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("no '" + kind + "' entries in golden.txt");
    }
    return out;
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] littleEndian(float[] values) {
    ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(values);
    return buf.array();
  }

  static float[] readFloats(String name) {
    try {
      ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file(name)))
          .order(ByteOrder.LITTLE_ENDIAN);
      float[] out = new float[buf.remaining() / 4];
      buf.asFloatBuffer().get(out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The largest absolute per-sample difference between two images of the same size. */
  static int maxAbsDifference(RgbImage a, RgbImage b) {
    byte[] x = a.toByteArray();
    byte[] y = b.toByteArray();
    int max = 0;
    for (int i = 0; i < x.length; i++) {
      max = Math.max(max, Math.abs((x[i] & 0xFF) - (y[i] & 0xFF)));
    }
    return max;
  }

  /** How many samples differ between two images of the same size. */
  static int differingSamples(RgbImage a, RgbImage b) {
    byte[] x = a.toByteArray();
    byte[] y = b.toByteArray();
    int n = 0;
    for (int i = 0; i < x.length; i++) {
      if (x[i] != y[i]) {
        n++;
      }
    }
    return n;
  }
}
