package dev.rlcompress.train;

import dev.rlcompress.util.UserError;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * A training run's output directory, held exclusively while the run lasts: two trainings into the same
 * {@code --out} would overwrite each other's model and checkpoint (and a later {@code --resume} could
 * pick up the other run's), so the second one fails in one line naming the holder. The lock is an OS
 * file lock, released by the kernel even when the holder is killed with -9. Holding it also makes it
 * safe to delete temporary files a killed write left behind.
 */
final class RunDirectory implements AutoCloseable {
  static final String LOCK = ".rlc-lock";
  private final FileChannel channel;
  private final FileLock lock;

  private RunDirectory(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static RunDirectory open(Path dir, String what) {
    Path lockFile = dir.resolve(LOCK);
    FileChannel ch;
    try {
      Files.createDirectories(dir);
      ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UserError("cannot use output directory " + dir + ": " + e.getMessage());
    }
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      close(ch);
      throw new UserError("cannot lock output directory " + dir + ": " + e.getMessage());
    }
    if (lock == null) {
      String holder;
      try {
        holder = Files.readString(lockFile, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        holder = "unknown";
      }
      close(ch);
      throw new UserError(dir + " is in use by another training run (" + (holder.isEmpty() ? "holder unknown" : holder)
          + "); wait for it to finish or choose another --out");
    }
    try {
      String me = what + ", pid " + ManagementFactory.getRuntimeMXBean().getPid() + ", started " + Instant.now();
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
      ch.force(false);
    } catch (IOException e) {
      // the holder's description is a courtesy; the lock itself is what protects the directory
    }
    deleteOrphanTemporaries(dir);
    return new RunDirectory(ch, lock);
  }

  /** Removes {@code .*.tmp} files: half-written models, checkpoints or summaries of a killed run. */
  private static void deleteOrphanTemporaries(Path dir) {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, ".*.tmp")) {
      for (Path p : s) Files.deleteIfExists(p);
    } catch (IOException e) {
      // leftovers are harmless; failing to delete them must not stop the run
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // the channel's close below releases it anyway
    }
    close(channel);
  }

  private static void close(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // nothing left to release
    }
  }
}
