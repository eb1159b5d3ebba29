package org.ckcoop.eval.study;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.ckcoop.backbone.InputException;

/**
 * Exclusive ownership of a run folder while a run works in it: an OS file lock on {@code <folder>/.lock}
 * ({@link FileChannel#tryLock()}), so two processes (two shards started by mistake with the same index,
 * or a requeued job whose first instance still runs) never train the same run. The lock is released
 * when the process ends, however it ends; the empty lock file stays.
 */
final class RunFolder implements AutoCloseable {
  /** The lock file's name inside a run folder. */
  static final String LOCK = ".lock";

  private final FileChannel channel;
  private final FileLock lock;

  private RunFolder(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Creates the folder if needed and takes its lock.
   *
   * @return the held lock, or empty if another process (or another thread of this one) holds it
   * @throws InputException naming the folder when it cannot be created or locked
   */
  static Optional<RunFolder> lock(Path folder) {
    FileChannel channel = null;
    try {
      Files.createDirectories(folder);
      channel = FileChannel.open(folder.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        return Optional.empty();
      }
      return Optional.of(new RunFolder(channel, lock));
    } catch (OverlappingFileLockException e) {
      close(channel);
      return Optional.empty();
    } catch (IOException e) {
      close(channel);
      throw new InputException(folder, "cannot create or lock the run folder: " + e.getMessage(), e);
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

  /** Releases the lock. */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel releases it too
    }
    close(channel);
  }
}
