package dev.rlcompress.util;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** File helpers that never leave a half-written result behind and explain a bad path in one line. */
public final class Files2 {
  private Files2() {}

  /**
   * Writes to a temporary sibling and renames it over {@code path}, so the old file (even if it is the
   * input of the computation) is replaced only by a complete new one. A directory, an unwritable or
   * impossible location is a {@link UserError} naming {@code path}, not the temporary file.
   */
  public static void writeAtomically(Path path, byte[] bytes) {
    Path abs = path.toAbsolutePath();
    if (Files.isDirectory(abs)) throw new UserError("output path is a directory: " + path);
    Path dir = abs.getParent();
    Path tmp = null;
    try {
      if (dir != null) Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
      Files.write(tmp, bytes);
      try { // temp files are created owner-only; results are meant to be shared
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException notPosix) {
        // keep the default on non-POSIX file systems
      }
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UserError("cannot write " + path + ": " + reason(e));
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // nothing more to do about a temporary file that cannot be removed
        }
      }
    }
  }

  /**
   * Checks, before any work, that {@code out} can be written and is not {@code input}: overwriting the
   * model being read is refused unless {@code force} (and even then happens only once the new file is
   * complete, see {@link #writeAtomically}).
   */
  public static void checkOutput(Path out, Path input, boolean force) {
    Path abs = out.toAbsolutePath().normalize();
    if (Files.isDirectory(abs)) throw new UserError("output path is a directory: " + out);
    if (!force && sameFile(abs, input.toAbsolutePath().normalize()))
      throw new UserError("output " + out + " is the input model; choose another -o, or pass --force to replace it");
    Path dir = abs.getParent();
    while (dir != null && !Files.exists(dir)) dir = dir.getParent();
    if (dir == null || !Files.isDirectory(dir))
      throw new UserError("cannot write " + out + ": " + dir + " is not a directory");
    if (!Files.isWritable(dir)) throw new UserError("cannot write " + out + ": permission denied in " + dir);
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return a.equals(b) || (Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b));
    } catch (IOException e) {
      return false;
    }
  }

  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException) return "permission denied";
    if (e instanceof NoSuchFileException) return "no such directory";
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.replaceAll("\\S*\\.tmp\\b", "").strip();
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
