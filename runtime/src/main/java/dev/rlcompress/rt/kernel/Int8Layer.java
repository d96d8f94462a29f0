package dev.rlcompress.rt.kernel;

/**
 * What the layers on {@link Int8Panels} share (static int8, dynamic int8, binary): the packed codes,
 * the fused ReLU floor, and the accumulation step (one row against the panels, or a blocked product
 * for batches). Each subclass prepares the input and applies its own scales to the accumulators.
 *
 * <p>Codes are kept as bytes, or, for a layer whose codes fit {@link Widening#maxBytes()} as floats,
 * widened once at load into fp32 and run by the fp32 kernels ({@link Dense#of}). Measured on the development
 * machine (docs/results/runtime.md): at batch 1 the byte panels are slower than fp32, because every
 * vector of codes is widened in registers (sign-extend + convert) before its multiply-add, and a
 * policy's layers are small enough that fp32 panels stream from L2 at the core's load rate anyway.
 * Widening at load removes that work per call; the arithmetic is unchanged (the products and sums of
 * integer codes are exact integers in floats, in any order; binary's ±1 codes multiply exactly), so
 * results stay those of the integer operators. The price is memory: four bytes per weight instead of one.
 */
abstract class Int8Layer implements Step {

  final Int8Panels w;
  /** The codes as fp32 (zero bias, no floor) on the fp32 kernels, or null where the bytes are used. */
  private final Step widened;
  final float floor;

  Int8Layer(int[] codes, int in, int out, float floor) {
    boolean widen = Widening.applies(in, out);
    this.w = new Int8Panels(widen ? null : codes, in, out);
    this.widened = widen ? widenedPanels(codes, in, out) : null;
    this.floor = floor;
  }

  Int8Layer(Int8Layer other, float floor) {
    this.w = other.w;
    this.widened = other.widened;
    this.floor = floor;
  }

  private static Step widenedPanels(int[] codes, int in, int out) {
    float[] f = new float[codes.length];
    for (int i = 0; i < f.length; i++) f[i] = codes[i];
    return Dense.of(f, new float[out], in, out, Float.NEGATIVE_INFINITY);
  }


  @Override
  public int inWidth() {
    return w.in;
  }

  @Override
  public int outWidth() {
    return w.out;
  }

  @Override
  public long weightBytes() {
    return (widened != null ? 4L : 1L) * w.in * w.out + 8L * w.out;
  }

  /** Raw accumulators of {@code batch} rows of {@code x} into {@code acc} (row strides of the layer's widths). */
  void accumulate(float[] x, float[] acc, int batch, Scratch s) {
    if (widened != null) widened.run(x, acc, batch, s);
    else if (batch == 1) w.gemv(x, 0, acc, 0, s.idx);
    else w.gemm(x, Lanes.stride(w.in), acc, Lanes.stride(w.out), batch);
  }

  String describe(String kind) {
    return "dense " + w.in + "x" + w.out + " " + kind + (widened != null ? ", widened to fp32 at load" : "")
        + (floor == 0f ? " +relu" : "");
  }

  /** A per-output constant padded with zeros to the output stride. */
  static float[] padded(float[] v, int out) {
    float[] p = new float[Lanes.stride(out)];
    System.arraycopy(v, 0, p, 0, out);
    return p;
  }
}
