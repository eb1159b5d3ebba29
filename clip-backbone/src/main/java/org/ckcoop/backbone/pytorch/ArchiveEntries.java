package org.ckcoop.backbone.pytorch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads the metadata entries of a checkpoint archive ({@code data.pkl}, the TorchScript {@code
 * code/} files) into memory under one budget of inflated bytes, so that a small archive of deflated
 * entries cannot inflate to gigabytes. The budget is {@value #BUDGET_RATIO} times the archive's size,
 * at least {@link #MIN_BUDGET} and at most {@link #MAX_BUDGET} bytes; an entry that inflates to more
 * than its declared size is refused as corrupt.
 */
final class ArchiveEntries {
  /** The budget in multiples of the archive's size. */
  static final long BUDGET_RATIO = 8;
  /** The budget of any archive, however small (16 MiB). */
  static final long MIN_BUDGET = 16L << 20;
  /** The budget of any archive, however large (256 MiB); also the largest {@code data.pkl} read. */
  static final long MAX_BUDGET = 256L << 20;

  private final Path path;
  private final ZipFile zip;
  private final long budget;
  private long used;

  ArchiveEntries(Path path, ZipFile zip, long archiveBytes) {
    this.path = path;
    this.zip = zip;
    this.budget = archiveBytes >= MAX_BUDGET / BUDGET_RATIO ? MAX_BUDGET
        : Math.max(MIN_BUDGET, archiveBytes * BUDGET_RATIO);
  }

  /** Returns the budget of inflated bytes for this archive. */
  long budget() {
    return budget;
  }

  /**
   * Reads an entry whole, counting its bytes against the budget.
   *
   * @throws TorchCheckpointException naming the file and the entry when it is over the budget, inflates
   *     to more than its declared size, or cannot be read
   */
  byte[] read(ZipEntry entry) {
    long left = budget - used;
    long declared = entry.getSize();
    if (declared > left) {
      throw overBudget(entry, "is " + declared + " bytes");
    }
    long limit = declared >= 0 ? declared : left;
    byte[] bytes;
    boolean more;
    try (InputStream in = zip.getInputStream(entry)) {
      bytes = in.readNBytes((int) limit);
      more = in.read() >= 0;
    } catch (IOException e) {
      throw new TorchCheckpointException(path, "corrupt or truncated zip archive: cannot read " + entry.getName()
          + " (" + e.getMessage() + ")", e);
    }
    if (more) {
      throw declared >= 0
          ? new TorchCheckpointException(path, "corrupt zip archive: " + entry.getName() + " inflates to more than "
              + "its declared " + declared + " bytes")
          : overBudget(entry, "inflates to more than " + left + " bytes");
    }
    used += bytes.length;
    return bytes;
  }

  private TorchCheckpointException overBudget(ZipEntry entry, String size) {
    return new TorchCheckpointException(path, "refused: " + entry.getName() + " " + size + ", more than the "
        + (budget - used) + " bytes left of the " + budget + " that data.pkl and code/ may take in an archive of "
        + "this size (" + BUDGET_RATIO + " times the archive, at least " + MIN_BUDGET + ", at most " + MAX_BUDGET
        + "); nothing was loaded or executed");
  }
}
