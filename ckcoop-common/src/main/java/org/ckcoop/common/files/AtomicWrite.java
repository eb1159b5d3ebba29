package org.ckcoop.common.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * Replaces a file atomically: the content goes to a uniquely named sibling (created with the default
 * permissions, unlike {@code Files.createTempFile}'s 0600, so others sharing a results folder can read
 * it), which is then renamed over the target. A reader sees the old file or the new one, never a
 * partial one; concurrent writers each leave a complete file; a failed write leaves no temporary file.
 */
public final class AtomicWrite {
  private AtomicWrite() {}

  /** Writes {@code bytes} to {@code file}, replacing it atomically. */
  public static void bytes(Path file, byte[] bytes) throws IOException {
    Path tmp = file.toAbsolutePath().resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Writes {@code text} as UTF-8 to {@code file}, replacing it atomically. */
  public static void text(Path file, String text) throws IOException {
    bytes(file, text.getBytes(StandardCharsets.UTF_8));
  }
}
