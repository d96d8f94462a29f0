package dev.rlcompress.util;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** File helpers that never leave a half-written result behind. */
public final class Files2 {
  private Files2() {}

  /** Writes to a temporary sibling and renames it over {@code path}. */
  public static void writeAtomically(Path path, byte[] bytes) throws IOException {
    Path abs = path.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir != null) Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
    try {
      Files.write(tmp, bytes);
      try { // temp files are created owner-only; results are meant to be shared
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException notPosix) {
        // keep the default on non-POSIX file systems
      }
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Creates {@code dir} if needed and checks it is writable, failing with a user-facing message. */
  public static Path writableDirectory(Path dir) {
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".probe", ".tmp");
      Files.delete(probe);
      return dir;
    } catch (AccessDeniedException e) {
      throw new UserError("output directory is not writable: " + dir);
    } catch (IOException e) {
      throw new UserError("cannot use output directory " + dir + ": " + e.getMessage());
    }
  }
}
