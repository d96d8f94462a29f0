package dev.rlcompress.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * One direct input buffer per thread, grown when a larger batch arrives, for {@link Policy#run(float[][])}.
 * A fresh direct buffer per call (28 KB for an Atari frame stack) is freed only after a garbage
 * collection, so a long evaluation held gigabytes of them: one `rlc eval` of 15 Atari models × 100
 * games reached 21.7 GB of resident memory. Engines read the buffer during the call only.
 */
final class InputBuffers {
  private InputBuffers() {}

  private static final ThreadLocal<FloatBuffer> BUFFER = new ThreadLocal<>();

  /** This thread's buffer, cleared, with room for at least {@code floats}. */
  static FloatBuffer get(int floats) {
    FloatBuffer b = BUFFER.get();
    if (b == null || b.capacity() < floats) {
      b = ByteBuffer.allocateDirect(Math.max(floats, 1) * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
      BUFFER.set(b);
    }
    b.clear();
    return b;
  }
}
