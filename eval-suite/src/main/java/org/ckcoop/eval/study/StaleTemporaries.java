package org.ckcoop.eval.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the temporary siblings a killed process left behind. Files are written to a temporary
 * sibling and renamed into place; a process killed in between leaves the sibling:
 *
 * <ul>
 *   <li>{@code .<name>.<pid>-<nanos>.tmp} (checkpoints, feature-cache entries, resolved configs): removed
 *       only when no live process could still be writing it, i.e. no process has that pid, or the process
 *       that has it started after the file was last written (the pid was reused, as a container's pid 1
 *       is on every restart);
 *   <li>{@code .<name>.<uuid>.tmp} ({@code run.json}, training results): the name carries no pid, so these
 *       are removed only from a folder whose {@link RunFolder} lock this process holds (no other process
 *       writes there).
 * </ul>
 */
final class StaleTemporaries {
  private static final Logger LOG = LoggerFactory.getLogger(StaleTemporaries.class);
  private static final Pattern WITH_PID = Pattern.compile("\\..+\\.(\\d+)-(\\d+)\\.tmp");
  private static final Pattern WITH_UUID =
      Pattern.compile("\\..+\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.tmp");

  private StaleTemporaries() {}

  /**
   * Removes the stale temporary files directly in {@code folder}.
   *
   * @param locked whether this process holds the folder's run lock (then pid-less temporaries go too)
   * @return the files removed
   */
  static List<Path> removeIn(Path folder, boolean locked) {
    List<Path> removed = new ArrayList<>();
    if (!Files.isDirectory(folder)) {
      return removed;
    }
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(file) && stale(file, locked)) {
          try {
            Files.deleteIfExists(file);
            removed.add(file);
          } catch (IOException e) {
            LOG.warn("{}: cannot remove this stale temporary file: {}", file, e.getMessage());
          }
        }
      }
    } catch (IOException e) {
      LOG.warn("{}: cannot list the folder to remove stale temporary files: {}", folder, e.getMessage());
    }
    if (!removed.isEmpty()) {
      LOG.info("{}: removed {} temporary file(s) left by a killed process: {}", folder, removed.size(),
          removed.stream().map(p -> p.getFileName().toString()).toList());
    }
    return removed;
  }

  /** Removes the stale pid-named temporary files in {@code folder} and its sub-folders (a feature cache). */
  static List<Path> removeBelow(Path folder) {
    List<Path> removed = new ArrayList<>();
    if (!Files.isDirectory(folder)) {
      return removed;
    }
    try (Stream<Path> dirs = Files.walk(folder, 1)) {
      for (Path dir : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
        removed.addAll(removeIn(dir, false));
      }
    } catch (IOException e) {
      LOG.warn("{}: cannot list the folder to remove stale temporary files: {}", folder, e.getMessage());
    }
    return removed;
  }

  /** Returns whether a file is a temporary sibling that no live process is writing. */
  static boolean stale(Path file, boolean locked) {
    String name = file.getFileName().toString();
    Matcher m = WITH_PID.matcher(name);
    if (m.matches()) {
      long pid;
      try {
        pid = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        return false;
      }
      Optional<ProcessHandle> process = ProcessHandle.of(pid);
      if (process.isEmpty()) {
        return true;
      }
      Optional<Instant> started = process.get().info().startInstant();
      Instant written = lastModified(file);
      // A live process with this pid is the writer unless it started after the file was last written
      // (a second of slack for coarse clocks and file-system timestamps).
      return started.isPresent() && written != null && started.get().isAfter(written.plusSeconds(1));
    }
    return locked && WITH_UUID.matcher(name).matches();
  }

  private static Instant lastModified(Path file) {
    try {
      FileTime t = Files.getLastModifiedTime(file);
      return t.toInstant();
    } catch (IOException e) {
      return null;
    }
  }
}
