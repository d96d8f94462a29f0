package dev.rlcompress.util;

/**
 * A problem with the user's input (bad file, bad argument, mismatched model and environment). The CLI
 * prints its message as one line and exits non-zero, without a stack trace.
 */
public final class UserError extends RuntimeException {
  public UserError(String message) {
    super(message);
  }
}
