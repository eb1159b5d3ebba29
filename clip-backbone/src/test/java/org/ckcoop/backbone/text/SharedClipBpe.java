package org.ckcoop.backbone.text;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the real CLIP vocabulary in {@code shared/clip-bpe} (vocab.json, merges.txt,
 * bpe_simple_vocab_16e6.txt.gz, golden-tokens.json), or skips the calling test when it is absent
 * (a user's clone has no {@code ../shared}).
 *
 * <p>Looked up, in order: the system property {@code ckcoop.shared.dir} (the {@code shared} folder,
 * or the {@code clip-bpe} folder itself); then the first ancestor of the working directory that has
 * a sibling {@code shared/clip-bpe} (for {@code /work/main/clip-backbone} that is {@code
 * /work/shared/clip-bpe}).
 */
final class SharedClipBpe {
  private SharedClipBpe() {}

  /** The {@code clip-bpe} folder; skips the test (JUnit assumption) when there is none. */
  static Path dirOrSkip() {
    Path dir = find();
    assumeTrue(dir != null, "shared/clip-bpe not found (set -Dckcoop.shared.dir); skipping");
    return dir;
  }

  static Path find() {
    String property = System.getProperty("ckcoop.shared.dir");
    if (property != null && !property.isBlank()) {
      Path p = Path.of(property).toAbsolutePath();
      for (Path candidate : new Path[] {p.resolve("clip-bpe"), p}) {
        if (Files.isRegularFile(candidate.resolve("vocab.json"))) {
          return candidate;
        }
      }
      return null;
    }
    for (Path a = Path.of("").toAbsolutePath(); a != null; a = a.getParent()) {
      Path parent = a.getParent();
      if (parent == null) {
        break;
      }
      Path candidate = parent.resolve("shared").resolve("clip-bpe");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
