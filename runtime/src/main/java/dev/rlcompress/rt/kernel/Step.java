package dev.rlcompress.rt.kernel;

/**
 * One step of a compiled policy: reads a batch of activations laid out [batch][inStride] and writes
 * [batch][outStride] (strides are widths rounded up to {@link Lanes#ROW}; padding lanes hold zeros and
 * every step keeps them zero). Steps are immutable after construction, so one compiled policy serves
 * any number of threads; everything a call writes lives in the caller's {@link Scratch}.
 */
public interface Step {
  int inWidth();

  int outWidth();

  /** Computes {@code y} from {@code x}; {@code x == y} only for steps that say {@link #inPlace()}. */
  void run(float[] x, float[] y, int batch, Scratch s);

  /** Whether the step may write its output over its input. */
  default boolean inPlace() {
    return false;
  }

  /** Floats of per-call scratch this step needs at {@code batch} (quantized inputs, im2col), beyond the two activation buffers. */
  default int scratchFloats(int batch) {
    return 0;
  }

  /** Bytes of packed weights held (for reports). */
  default long weightBytes() {
    return 0;
  }

  /** What the step computes and with which kernel, e.g. "dense 256x256 fp32 panels +relu". */
  String describe();
}
