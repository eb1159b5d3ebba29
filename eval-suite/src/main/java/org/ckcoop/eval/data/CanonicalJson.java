package org.ckcoop.eval.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The one JSON spelling of split contents that hashes and split files use, so that the same content
 * always gives the same bytes: ASCII only, strings escaped exactly as Python's
 * {@code json.dumps(ensure_ascii=True)} escapes them, entries as {@code [path, label, class_name]}
 * (plus the domain when there is one).
 */
final class CanonicalJson {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private CanonicalJson() {}

  /** Appends {@code s} as a JSON string literal. */
  static StringBuilder string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append("\\u").append(HEX[(c >> 12) & 15]).append(HEX[(c >> 8) & 15])
                .append(HEX[(c >> 4) & 15]).append(HEX[c & 15]);
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"');
  }

  /** Appends a list of strings: {@code ["a", "b"]} (a space after each comma). */
  static StringBuilder strings(StringBuilder out, List<String> values) {
    out.append('[');
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      string(out, values.get(i));
    }
    return out.append(']');
  }

  /** Appends one entry: {@code ["rel/path.jpg", 3, "class name"]} or with a fourth element, the domain. */
  static StringBuilder entry(StringBuilder out, String relativePath, Datum datum) {
    return entry(out, relativePath, datum.label(), datum.className(), datum.domain());
  }

  /** Appends one entry from its values. */
  static StringBuilder entry(StringBuilder out, String relativePath, int label, String className,
      Optional<String> domain) {
    out.append('[');
    string(out, relativePath).append(", ").append(label).append(", ");
    string(out, className);
    domain.ifPresent(d -> string(out.append(", "), d));
    return out.append(']');
  }

  /** Returns a new SHA-256 digest. */
  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** Returns the SHA-256 of bytes, as 64 lower-case hex digits. */
  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  /** Adds ASCII text to a digest. */
  static void update(MessageDigest digest, CharSequence text) {
    digest.update(text.toString().getBytes(StandardCharsets.US_ASCII));
  }

  /** Returns a digest's value as 64 lower-case hex digits. */
  static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }
}
