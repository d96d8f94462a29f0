package dev.rlcompress.eval;

import dev.rlcompress.runtime.Policy;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * The latency protocol: mean time per ONNX Runtime call over a stored observation set, at batch 1 (a
 * control loop's per-step cost) and at batch {@code B} (the pixel-game study's 500 passes of batch 100).
 * Inputs are laid out in direct buffers before timing, so only the runtime call (including reading
 * its output) is timed. Warm-up passes are run and discarded first.
 */
public final class Latency {
  private Latency() {}

  /** The shortest timed window of a batch-1 measurement. */
  static final long MIN_WINDOW_NANOS = 20_000_000L;

  /**
   * Mean microseconds per batch-1 call, cycling through {@code obs}: at least {@code calls} calls, and
   * more, in rounds of {@code calls}, until 20 ms have been timed. 2,000 calls of a 0.25 µs policy
   * last half a millisecond, a window in which one descheduling or timer tick on a shared machine moved
   * the figure by 10–20% (bench-runtime, identical kernels in the same run).
   */
  public static double batch1Micros(Policy p, List<float[]> obs, int calls) {
    int n = Math.min(obs.size(), 1000);
    FloatBuffer[] inputs = new FloatBuffer[n];
    for (int i = 0; i < n; i++) {
      inputs[i] = direct(p.inputSize());
      inputs[i].put(obs.get(i)).flip();
    }
    for (int i = 0; i < 3000; i++) p.runFlat(inputs[i % n].rewind(), 1); // warm-up: JIT and ORT caches
    long t0 = System.nanoTime(), elapsed;
    int done = 0;
    do {
      for (int i = 0; i < calls; i++) p.runFlat(inputs[(done + i) % n].rewind(), 1);
      done += calls;
      elapsed = System.nanoTime() - t0;
    } while (elapsed < MIN_WINDOW_NANOS);
    return elapsed / 1e3 / done;
  }

  /** Mean milliseconds per batch-{@code batch} pass over {@code passes} passes. */
  public static double batchMillis(Policy p, List<float[]> obs, int batch, int passes) {
    int windows = Math.max(1, Math.min(10, obs.size() / batch));
    FloatBuffer[] inputs = new FloatBuffer[windows];
    for (int w = 0; w < windows; w++) {
      inputs[w] = direct(batch * p.inputSize());
      for (int i = 0; i < batch; i++) inputs[w].put(obs.get((w * batch + i) % obs.size()));
      inputs[w].flip();
    }
    for (int i = 0; i < Math.max(50, passes / 5); i++) p.runFlat(inputs[i % windows].rewind(), batch); // warm-up
    long t0 = System.nanoTime();
    for (int i = 0; i < passes; i++) p.runFlat(inputs[i % windows].rewind(), batch);
    return (System.nanoTime() - t0) / 1e6 / passes;
  }

  private static FloatBuffer direct(int floats) {
    return java.nio.ByteBuffer.allocateDirect(floats * 4).order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
  }
}
