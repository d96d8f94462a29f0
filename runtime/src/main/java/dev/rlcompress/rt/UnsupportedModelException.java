package dev.rlcompress.rt;

/**
 * The model uses something this runtime does not implement (an operator, an attribute value, a data
 * type). Thrown at load time, never at run time: a graph that loads is computed exactly as written, a
 * graph that does not is refused by name rather than approximated.
 */
public final class UnsupportedModelException extends RuntimeException {
  public UnsupportedModelException(String message) {
    super(message);
  }
}
