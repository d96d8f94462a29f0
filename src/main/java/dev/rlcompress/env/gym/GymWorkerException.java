package dev.rlcompress.env.gym;

/**
 * A Gymnasium worker failed while serving a request: it died (killed, crashed), missed its deadline,
 * or the environment raised a Python exception. The message carries the Python traceback or the tail
 * of the worker's stderr.
 */
public final class GymWorkerException extends RuntimeException {
  public GymWorkerException(String message) {
    super(message);
  }
}
