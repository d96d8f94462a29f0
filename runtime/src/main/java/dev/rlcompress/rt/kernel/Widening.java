package dev.rlcompress.rt.kernel;

/**
 * Which quantized layers keep their codes widened to fp32 at load (see {@link Int8Layer}, {@link Int4}):
 * those of up to {@link #maxBytes()} as floats. Widened layers run at fp32 speed with the same results
 * and hold four bytes per weight; the others keep their codes as bytes or nibbles and widen them in
 * registers on every call.
 */
public final class Widening {
  private Widening() {}

  /** System property: the largest layer, in bytes as floats, to widen (default 1 MiB; 0: none). Read at load. */
  public static final String PROPERTY = "rlc.runtime.widenMaxBytes";

  /** The limit now in force. */
  public static long maxBytes() {
    return Long.getLong(PROPERTY, 1L << 20);
  }

  static boolean applies(int in, int out) {
    return 4L * in * out <= maxBytes();
  }
}
