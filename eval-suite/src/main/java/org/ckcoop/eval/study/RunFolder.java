package org.ckcoop.eval.study;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.ckcoop.common.InputException;

/**
 * Exclusive ownership of a run folder while a run works in it: an OS file lock on {@code <folder>/.lock}
 * ({@link FileChannel#tryLock()}), so two processes (two shards started by mistake with the same index,
 * or a requeued job whose first instance still runs) never train the same run. The lock is released
 * when the process ends, however it ends; the empty lock file stays, except that a folder holding
 * nothing but its lock file when the lock is released (a start refused before the run wrote anything)
 * is removed. Taking the lock removes the temporary files a killed process left in the folder
 * ({@link StaleTemporaries}).
 */
final class RunFolder implements AutoCloseable {
  /** The lock file's name inside a run folder. */
  static final String LOCK = ".lock";

  private final Path folder;
  private final FileChannel channel;
  private final FileLock lock;

  private RunFolder(Path folder, FileChannel channel, FileLock lock) {
    this.folder = folder;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Creates the folder if needed, takes its lock and removes stale temporary files in it.
   *
   * @return the held lock, or empty if another process (or another thread of this one) holds it
   * @throws InputException naming the folder when it cannot be created or locked
   */
  static Optional<RunFolder> lock(Path folder) {
    for (int attempt = 0; ; attempt++) {
      FileChannel channel = null;
      try {
        Files.createDirectories(folder);
        channel = FileChannel.open(folder.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
          channel.close();
          return Optional.empty();
        }
        if (!Files.exists(folder.resolve(LOCK)) && attempt < 3) {
          // The holder before us removed the (empty) folder and its lock file while we opened it: the
          // lock we got is on a deleted file; take a fresh one.
          lock.release();
          channel.close();
          continue;
        }
        StaleTemporaries.removeIn(folder, true);
        return Optional.of(new RunFolder(folder, channel, lock));
      } catch (OverlappingFileLockException e) {
        close(channel);
        return Optional.empty();
      } catch (IOException e) {
        close(channel);
        throw new InputException(folder, "cannot create or lock the run folder: " + e.getMessage(), e);
      }
    }
  }

  private static void close(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing was locked
      }
    }
  }

  /** Returns whether the folder holds nothing but its lock file. */
  static boolean onlyLock(Path folder) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
      for (Path p : entries) {
        if (!p.getFileName().toString().equals(LOCK)) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Releases the lock; removes the folder when it holds nothing but the lock file. */
  @Override
  public void close() {
    boolean remove = onlyLock(folder);
    if (remove) {
      try {
        Files.deleteIfExists(folder.resolve(LOCK));
      } catch (IOException ignored) {
        remove = false;
      }
    }
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel releases it too
    }
    close(channel);
    if (remove) {
      try {
        Files.deleteIfExists(folder);
      } catch (IOException ignored) {
        // another process created something in it meanwhile: keep it
      }
    }
  }
}
