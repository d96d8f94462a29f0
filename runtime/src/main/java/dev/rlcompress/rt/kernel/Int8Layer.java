package dev.rlcompress.rt.kernel;

/**
 * What the layers on {@link Int8Panels} share (static int8, dynamic int8, binary): the packed codes,
 * the fused ReLU floor, and the accumulation step (one row against the panels, or a blocked product
 * for batches). Each subclass prepares the input and applies its own scales to the accumulators.
 */
abstract class Int8Layer implements Step {
  final Int8Panels w;
  final float floor;

  Int8Layer(int[] codes, int in, int out, float floor) {
    this.w = new Int8Panels(codes, in, out);
    this.floor = floor;
  }

  Int8Layer(Int8Layer other, float floor) {
    this.w = other.w;
    this.floor = floor;
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
    return 4L * w.in * w.out + 8L * w.out; // codes held as floats (see Int8Panels)
  }

  /** Raw accumulators of {@code batch} rows of {@code x} into {@code acc} (row strides of the layer's widths). */
  void accumulate(float[] x, float[] acc, int batch, Scratch s) {
    if (batch == 1) w.gemv(x, 0, acc, 0, s.idx);
    else w.gemm(x, Lanes.stride(w.in), acc, Lanes.stride(w.out), batch);
  }

  String describe(String kind) {
    return "dense " + w.in + "x" + w.out + " " + kind + (floor == 0f ? " +relu" : "");
  }

  /** A per-output constant padded with zeros to the output stride. */
  static float[] padded(float[] v, int out) {
    float[] p = new float[Lanes.stride(out)];
    System.arraycopy(v, 0, p, 0, out);
    return p;
  }
}
