package dev.rlcompress.rt.kernel;

import static dev.rlcompress.rt.kernel.Lanes.L;
import static dev.rlcompress.rt.kernel.Lanes.ROW;
import static dev.rlcompress.rt.kernel.Lanes.S;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * int4 block-quantized fully connected layer (MatMulNBits): signed 4-bit codes c ∈ [−8, 7], one scale
 * per output and block of inputs, W[o][i] = c·scale[o][i / block]. Two codes per byte (an eighth of
 * fp32), packed along the outputs: in panel p, for input i, byte j of each group of L bytes holds
 * output j in its low nibble and output j + L in its high nibble, so one widening load and two shifts
 * give two whole vectors of codes. Sums run per block, then are scaled into the outputs.
 *
 * <p>A layer of up to {@link #DEQUANTIZE_MAX_BYTES} as floats is dequantized once at load instead
 * (W[o][i] = c·scale, one rounding, as ONNX Runtime's MatMulNBits dequantizes before its float GEMM) and
 * runs on the fp32 kernels ({@link Dense#of}). Measured in one run of {@code rlc bench-runtime} on the
 * DQN (docs/results/runtime.md): the nibble kernel costs the same as fp32 at batch 1 but runs batches
 * row by row, 2.2× slower than fp32 at batch 100; dequantized, int4 runs batches at fp32 speed. The
 * price is memory, eight times the nibbles. (int8 and binary codes, widened the same way, measured no
 * faster than their byte kernels, and stay bytes.)
 */
public final class Int4 implements Step {
  private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
  private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());

  final int in, out, panels, block, blocks;
  /** The largest layer (weights × 4 bytes) dequantized to fp32 at load. */
  static final long DEQUANTIZE_MAX_BYTES = 1L << 20;

  final byte[] w; // [panel][in][ROW/2]; this and the next two empty when dequantized
  private final Step dequantized; // the layer with W = c·scale on the fp32 kernels, or null
  final float[] scale; // [panel][blocks][ROW]
  final float[] bias;
  final float floor;

  /** @param codes [out][in] in [−8, 7]; @param scales [out][blocks] */
  public Int4(int[] codes, float[] scales, float[] bias, int in, int out, int block, float floor) {
    this.in = in;
    this.out = out;
    this.block = block;
    this.blocks = (in + block - 1) / block;
    this.floor = floor;
    this.panels = (out + ROW - 1) / ROW;
    int half = ROW / 2;
    boolean dequantize = 4L * in * out <= DEQUANTIZE_MAX_BYTES;
    this.dequantized = dequantize ? Dense.of(dequantize(codes, scales, in, out, block), bias, in, out, floor) : null;
    // the nibble kernel's own arrays: empty when the layer runs dequantized
    this.w = new byte[dequantize ? 0 : panels * in * half];
    this.scale = new float[dequantize ? 0 : panels * blocks * ROW];
    this.bias = new float[dequantize ? 0 : panels * ROW];
    if (dequantize) return;
    for (int o = 0; o < out; o++) {
      int p = o / ROW, j = o % ROW, group = j / (2 * L), lane = j % L;
      boolean high = j % (2 * L) >= L;
      for (int i = 0; i < in; i++) {
        int at = (p * in + i) * half + group * L + lane;
        int c = codes[o * in + i] & 0xf;
        w[at] = (byte) (high ? (w[at] & 0x0f) | c << 4 : (w[at] & 0xf0) | c);
      }
      for (int b = 0; b < blocks; b++) scale[(p * blocks + b) * ROW + j] = scales[o * blocks + b];
    }
    System.arraycopy(bias, 0, this.bias, 0, out);
  }

  @Override
  public int inWidth() {
    return in;
  }

  @Override
  public int outWidth() {
    return out;
  }

  private static float[] dequantize(int[] codes, float[] scales, int in, int out, int block) {
    int blocks = (in + block - 1) / block;
    float[] f = new float[codes.length];
    for (int o = 0; o < out; o++)
      for (int i = 0; i < in; i++) f[o * in + i] = codes[o * in + i] * scales[o * blocks + i / block];
    return f;
  }

  @Override
  public long weightBytes() {
    return dequantized != null ? dequantized.weightBytes() : ((long) in * out + 1) / 2 + 4L * out * blocks + 4L * out;
  }

  @Override
  public String describe() {
    return "dense " + in + "x" + out + " int4 blocks of " + block
        + (dequantized != null ? " (dequantized to fp32 at load)" : " (nibbles widened in registers)") + (floor == 0f ? " +relu" : "");
  }

  @Override
  public void run(float[] x, float[] y, int batch, Scratch s) {
    if (dequantized != null) {
      dequantized.run(x, y, batch, s);
      return;
    }
    int xs = Lanes.stride(in), ys = Lanes.stride(out);
    int[] idx = s.idx;
    for (int r = 0; r < batch; r++) {
      int xo = r * xs, nz = 0;
      for (int i = 0; i < in; i++) {
        idx[nz] = i;
        nz += x[xo + i] != 0f ? 1 : 0;
      }
      for (int p = 0; p < panels; p++) panel(x, xo, y, r * ys, p, idx, nz);
    }
  }

  private void panel(float[] x, int xo, float[] y, int yo, int p, int[] idx, int nz) {
    int half = ROW / 2, w0 = p * in * half, s0 = p * blocks * ROW, c = p * ROW;
    FloatVector y0 = FloatVector.fromArray(S, bias, c), y1 = FloatVector.fromArray(S, bias, c + L);
    FloatVector y2 = FloatVector.fromArray(S, bias, c + 2 * L), y3 = FloatVector.fromArray(S, bias, c + 3 * L);
    int k = 0;
    while (k < nz) {
      int b = idx[k] / block, end = (b + 1) * block;
      FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
      for (; k < nz && idx[k] < end; k++) {
        int i = idx[k], o = w0 + i * half;
        FloatVector v = FloatVector.broadcast(S, x[xo + i]);
        IntVector g0 = (IntVector) ByteVector.fromArray(B, w, o).convertShape(VectorOperators.B2I, I, 0);
        IntVector g1 = (IntVector) ByteVector.fromArray(B, w, o + L).convertShape(VectorOperators.B2I, I, 0);
        a0 = v.fma(lo(g0), a0);
        a1 = v.fma(hi(g0), a1);
        a2 = v.fma(lo(g1), a2);
        a3 = v.fma(hi(g1), a3);
      }
      int sc = s0 + b * ROW;
      y0 = a0.fma(FloatVector.fromArray(S, scale, sc), y0);
      y1 = a1.fma(FloatVector.fromArray(S, scale, sc + L), y1);
      y2 = a2.fma(FloatVector.fromArray(S, scale, sc + 2 * L), y2);
      y3 = a3.fma(FloatVector.fromArray(S, scale, sc + 3 * L), y3);
    }
    int t = yo + c;
    y0.max(floor).intoArray(y, t);
    y1.max(floor).intoArray(y, t + L);
    y2.max(floor).intoArray(y, t + 2 * L);
    y3.max(floor).intoArray(y, t + 3 * L);
  }

  /** The low nibble, sign-extended: (v << 28) >> 28. */
  private static FloatVector lo(IntVector v) {
    return (FloatVector) v.lanewise(VectorOperators.LSHL, 28).lanewise(VectorOperators.ASHR, 28).convert(VectorOperators.I2F, 0);
  }

  /** The high nibble of a sign-extended byte: v >> 4. */
  private static FloatVector hi(IntVector v) {
    return (FloatVector) v.lanewise(VectorOperators.ASHR, 4).convert(VectorOperators.I2F, 0);
  }
}
