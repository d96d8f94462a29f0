package dev.rlcompress.rt.kernel;

/**
 * Per-thread working memory of one compiled policy: two activation buffers the steps ping-pong between,
 * an index list (the nonzero inputs of a row) and one extra buffer for steps that need more (quantized inputs, im2col columns). Grows when a larger
 * batch arrives and is then reused, so steady-state calls allocate nothing.
 */
public final class Scratch {
  float[] a = new float[0], b = new float[0], extra = new float[0];
  int[] idx = new int[0];
  int capacity = -1;
  /** A running [min, max] (dynamic int8's input range). */
  final float[] range = new float[2];
  /** The batch GEMM's operands, reused call after call (see {@link Tiles.Product}). */
  final Tiles.Product product = new Tiles.Product();

  /** Makes room for {@code batch} rows of {@code rowFloats} and {@code extraFloats} of step scratch. */
  public void ensure(int batch, int rowFloats, int extraFloats) {
    if (batch <= capacity && extra.length >= extraFloats) return;
    int n = Math.max(batch, capacity);
    a = new float[n * rowFloats];
    b = new float[n * rowFloats];
    if (extra.length < extraFloats) extra = new float[extraFloats];
    if (idx.length < rowFloats) idx = new int[rowFloats];
    capacity = n;
  }

  public float[] a() {
    return a;
  }

  public float[] b() {
    return b;
  }

  /** The shared step scratch; only one step runs at a time, so all steps share it. */
  public float[] extra() {
    return extra;
  }
}
