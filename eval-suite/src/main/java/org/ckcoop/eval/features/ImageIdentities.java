package org.ckcoop.eval.features;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.ckcoop.common.InputException;

/**
 * The identity of an image file: the SHA-256 of its bytes, so the same image has the same identity
 * wherever it is stored. Hashes are remembered for the process, keyed by the file's absolute path,
 * size and modification time (a file rewritten in place is hashed again). Thread-safe.
 */
public final class ImageIdentities {
  private record Stamp(Path path, long size, long modified) {}

  private final Map<Stamp, String> known = new ConcurrentHashMap<>();

  /**
   * Returns the SHA-256 (64 hex digits) of the file's bytes.
   *
   * @throws InputException naming the file when it cannot be read
   */
  public String of(Path file) {
    Path path = file.toAbsolutePath().normalize();
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (IOException e) {
      throw new InputException(path, "cannot read image: " + e.getMessage(), e);
    }
    Stamp stamp = new Stamp(path, attributes.size(), attributes.lastModifiedTime().toMillis());
    return known.computeIfAbsent(stamp, s -> hash(s.path()));
  }

  /** Returns the identities of several files, in order. */
  public List<String> of(List<Path> files) {
    return files.stream().map(this::of).toList();
  }

  private static String hash(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new InputException(file, "cannot read image: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
