package org.ckcoop.common.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicWriteTest {
  @TempDir Path dir;

  @Test
  void replacesTheFileAndLeavesNoTemporaryFile() throws IOException {
    Path file = dir.resolve("run.json");
    AtomicWrite.text(file, "old");
    AtomicWrite.text(file, "new é");
    assertThat(Files.readString(file)).isEqualTo("new é");
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("run.json");
    }
    // readable by the group like any file this process creates, not 0600 as createTempFile's
    Path plain = Files.writeString(dir.resolve("plain"), "x");
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(Files.getPosixFilePermissions(plain))
        .contains(PosixFilePermission.OWNER_READ);
  }

  @Test
  void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
    Path target = Files.createDirectories(dir.resolve("a-folder"));
    Files.writeString(target.resolve("inside"), "kept");
    assertThatThrownBy(() -> AtomicWrite.bytes(target, new byte[] {1})).isInstanceOf(IOException.class);
    assertThat(Files.readString(target.resolve("inside"))).isEqualTo("kept");
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("a-folder");
    }
  }
}
