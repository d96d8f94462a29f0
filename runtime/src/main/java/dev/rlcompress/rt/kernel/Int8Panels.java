package dev.rlcompress.rt.kernel;

import static dev.rlcompress.rt.kernel.Lanes.L;
import static dev.rlcompress.rt.kernel.Lanes.ROW;
import static dev.rlcompress.rt.kernel.Lanes.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * int8 weight codes packed in the panel layout of {@link Dense}, multiplied by integer-valued
 * activations (quantized codes minus their zero point). Products of |code| ≤ 127 and |activation| ≤
 * 255 and their sums stay integers below 2^24 for up to 518 inputs, so the float accumulation is the
 * exact integer accumulation ONNX's integer operators specify. Writes raw accumulators; the layer
 * applies its scales.
 *
 * <p>The codes are held as integer-valued floats, four bytes each, not one: widening bytes in the
 * loop ({@code ByteVector} → {@code FloatVector}) cost a conversion per weight vector, which made int8
 * slower than fp32 at batch 1 (DQN 256×256: 2.50 against 2.12 µs, AVX-512), and C2 failed to
 * intrinsify that conversion in some JVM profiles, boxing every vector
 * ({@code JavaRuntimeTest.steadyStateCallsAllocateNothing} failed in a full CI run on AVX-512, after the
 * DQN's 256→4 layer had failed the same way on AVX2). Held as floats, an int8 layer runs the fp32
 * kernels' loops with the same arithmetic; what int8 saves in this runtime is the file and the load,
 * not the resident weights.
 */
final class Int8Panels {
  final int in, out, panels;
  /**
   * Whether the codes are kept as rows [out][k] (k: in rounded up to whole vectors) for dot products,
   * as {@link RowDot} does for floats: a layer of at most one vector of outputs (Q-values, logits),
   * which panels would pad to four vectors. The DQN's 256→4 layer streamed 8 times its codes that way.
   */
  final boolean rows;
  final int k;
  final float[] w; // panels: [panel][in][ROW]
  final float[] wRows; // rows: [out][k]

  Int8Panels(int[] codes, int in, int out) {
    this.in = in;
    this.out = out;
    this.panels = (out + ROW - 1) / ROW;
    this.rows = out <= L;
    this.k = Lanes.roundUp(in, L);
    if (rows) {
      this.w = new float[0];
      this.wRows = new float[out * k];
      for (int o = 0; o < out; o++) for (int i = 0; i < in; i++) wRows[o * k + i] = codes[o * in + i];
      return;
    }
    this.wRows = new float[0];
    this.w = new float[panels * in * ROW];
    for (int o = 0; o < out; o++) {
      int base = (o / ROW) * in * ROW + o % ROW;
      for (int i = 0; i < in; i++) w[base + i * ROW] = codes[o * in + i];
    }
  }

  /**
   * Row dot products of one row: acc[o] = Σ_i x[i]·W[o][i], two outputs at a time, lanes reduced at the
   * end (integer sums below 2^24 are exact in any order), the padding after {@code out} zeroed.
   */
  private void dotRow(float[] x, int xo, float[] acc, int ao) {
    int o = 0;
    for (; o + 2 <= out; o += 2) {
      FloatVector s0 = FloatVector.zero(S), s1 = s0;
      for (int kk = 0, w0 = o * k; kk < k; kk += L, w0 += L) {
        FloatVector v = FloatVector.fromArray(S, x, xo + kk);
        s0 = v.fma(FloatVector.fromArray(S, wRows, w0), s0);
        s1 = v.fma(FloatVector.fromArray(S, wRows, w0 + k), s1);
      }
      acc[ao + o] = s0.reduceLanes(VectorOperators.ADD);
      acc[ao + o + 1] = s1.reduceLanes(VectorOperators.ADD);
    }
    if (o < out) {
      FloatVector s0 = FloatVector.zero(S);
      for (int kk = 0, w0 = o * k; kk < k; kk += L, w0 += L) s0 = FloatVector.fromArray(S, x, xo + kk).fma(FloatVector.fromArray(S, wRows, w0), s0);
      acc[ao + o] = s0.reduceLanes(VectorOperators.ADD);
    }
    java.util.Arrays.fill(acc, ao + out, ao + Lanes.stride(out), 0f);
  }

  private FloatVector wv(int at) {
    return FloatVector.fromArray(S, w, at);
  }

  /** Accumulators of one row: acc[o] = Σ_i x[i]·W[o][i], skipping zero inputs where that pays ({@link Lanes#listNonzeros}). */
  void gemv(float[] x, int xo, float[] acc, int ao, int[] idx) {
    if (rows) {
      dotRow(x, xo, acc, ao);
      return;
    }
    int listed = Lanes.listNonzeros(x, xo, in, idx), nz = listed < 0 ? in : listed;
    int p = 0;
    for (; p + 2 <= panels; p += 2) {
      int w0 = p * in * ROW, w1 = w0 + in * ROW;
      FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0;
      for (int k = 0; k < nz; k++) {
        int i = listed < 0 ? k : idx[k], o = i * ROW; // all inputs, or the listed ones (C2 unswitches the loop)
        FloatVector v = FloatVector.broadcast(S, x[xo + i]);
        a0 = v.fma(wv(w0 + o), a0);
        a1 = v.fma(wv(w0 + o + L), a1);
        a2 = v.fma(wv(w0 + o + 2 * L), a2);
        a3 = v.fma(wv(w0 + o + 3 * L), a3);
        c0 = v.fma(wv(w1 + o), c0);
        c1 = v.fma(wv(w1 + o + L), c1);
        c2 = v.fma(wv(w1 + o + 2 * L), c2);
        c3 = v.fma(wv(w1 + o + 3 * L), c3);
      }
      int t = ao + p * ROW;
      a0.intoArray(acc, t);
      a1.intoArray(acc, t + L);
      a2.intoArray(acc, t + 2 * L);
      a3.intoArray(acc, t + 3 * L);
      c0.intoArray(acc, t + ROW);
      c1.intoArray(acc, t + ROW + L);
      c2.intoArray(acc, t + ROW + 2 * L);
      c3.intoArray(acc, t + ROW + 3 * L);
    }
    for (; p < panels; p++) row1(x, xo, acc, ao, p);
  }

  /** One row against panel p, all inputs. */
  void row1(float[] x, int xo, float[] acc, int ao, int p) {
    int w0 = p * in * ROW;
    FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
    for (int i = 0, o = w0; i < in; i++, o += ROW) {
      FloatVector v = FloatVector.broadcast(S, x[xo + i]);
      a0 = v.fma(wv(o), a0);
      a1 = v.fma(wv(o + L), a1);
      a2 = v.fma(wv(o + 2 * L), a2);
      a3 = v.fma(wv(o + 3 * L), a3);
    }
    int t = ao + p * ROW;
    a0.intoArray(acc, t);
    a1.intoArray(acc, t + L);
    a2.intoArray(acc, t + 2 * L);
    a3.intoArray(acc, t + 3 * L);
  }

  /** Accumulators of a batch of rows (x rows of stride xs, acc rows of stride as): row tiles per panel. */
  void gemm(float[] x, int xs, float[] acc, int as, int batch) {
    gemm(x, xs, acc, as, batch, Lanes.REGISTERS);
  }

  /**
   * {@link #gemm(float[], int, float[], int, int)} planned for {@code registers} vector registers: 4-row
   * tiles over a whole panel (16 accumulators, 4 widened weight vectors) with 32; with 16, where those
   * spill, 6-row tiles over half a panel (12 accumulators, 2 weight vectors), which also widen each
   * weight vector once for six rows instead of four. Every accumulator is the same in-order chain in
   * both plans.
   */
  void gemm(float[] x, int xs, float[] acc, int as, int batch, int registers) {
    if (rows) {
      for (int r = 0; r < batch; r++) dotRow(x, r * xs, acc, r * as);
      return;
    }
    for (int p = 0; p < panels; p++) {
      int r = 0;
      if (registers >= 32) {
        for (; r + 4 <= batch; r += 4) tile4(x, xs, acc, as, r, p);
      } else {
        for (; r + 6 <= batch; r += 6) {
          tile6x2(x, xs, acc, as, r, p, 0);
          tile6x2(x, xs, acc, as, r, p, 2 * L);
        }
      }
      for (; r < batch; r++) row1(x, r * xs, acc, r * as, p);
    }
  }

  /** Rows r … r+5 against the two vectors of panel p from lane offset {@code h}. */
  private void tile6x2(float[] x, int xs, float[] acc, int as, int r, int p, int h) {
    int x0 = r * xs;
    FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    for (int i = 0, o = p * in * ROW + h; i < in; i++, o += ROW) {
      FloatVector b0 = wv(o), b1 = wv(o + L);
      FloatVector v = FloatVector.broadcast(S, x[x0 + i]);
      c00 = v.fma(b0, c00);
      c01 = v.fma(b1, c01);
      v = FloatVector.broadcast(S, x[x0 + xs + i]);
      c10 = v.fma(b0, c10);
      c11 = v.fma(b1, c11);
      v = FloatVector.broadcast(S, x[x0 + 2 * xs + i]);
      c20 = v.fma(b0, c20);
      c21 = v.fma(b1, c21);
      v = FloatVector.broadcast(S, x[x0 + 3 * xs + i]);
      c30 = v.fma(b0, c30);
      c31 = v.fma(b1, c31);
      v = FloatVector.broadcast(S, x[x0 + 4 * xs + i]);
      c40 = v.fma(b0, c40);
      c41 = v.fma(b1, c41);
      v = FloatVector.broadcast(S, x[x0 + 5 * xs + i]);
      c50 = v.fma(b0, c50);
      c51 = v.fma(b1, c51);
    }
    int t = r * as + p * ROW + h;
    c00.intoArray(acc, t);
    c01.intoArray(acc, t + L);
    c10.intoArray(acc, t + as);
    c11.intoArray(acc, t + as + L);
    c20.intoArray(acc, t + 2 * as);
    c21.intoArray(acc, t + 2 * as + L);
    c30.intoArray(acc, t + 3 * as);
    c31.intoArray(acc, t + 3 * as + L);
    c40.intoArray(acc, t + 4 * as);
    c41.intoArray(acc, t + 4 * as + L);
    c50.intoArray(acc, t + 5 * as);
    c51.intoArray(acc, t + 5 * as + L);
  }

  private void tile4(float[] x, int xs, float[] acc, int as, int r, int p) {
    int w0 = p * in * ROW, x0 = r * xs;
    FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
    FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
    for (int i = 0, o = w0; i < in; i++, o += ROW) {
      FloatVector b0 = wv(o), b1 = wv(o + L), b2 = wv(o + 2 * L), b3 = wv(o + 3 * L);
      FloatVector v = FloatVector.broadcast(S, x[x0 + i]);
      c00 = v.fma(b0, c00);
      c01 = v.fma(b1, c01);
      c02 = v.fma(b2, c02);
      c03 = v.fma(b3, c03);
      v = FloatVector.broadcast(S, x[x0 + xs + i]);
      c10 = v.fma(b0, c10);
      c11 = v.fma(b1, c11);
      c12 = v.fma(b2, c12);
      c13 = v.fma(b3, c13);
      v = FloatVector.broadcast(S, x[x0 + 2 * xs + i]);
      c20 = v.fma(b0, c20);
      c21 = v.fma(b1, c21);
      c22 = v.fma(b2, c22);
      c23 = v.fma(b3, c23);
      v = FloatVector.broadcast(S, x[x0 + 3 * xs + i]);
      c30 = v.fma(b0, c30);
      c31 = v.fma(b1, c31);
      c32 = v.fma(b2, c32);
      c33 = v.fma(b3, c33);
    }
    int t = r * as + p * ROW;
    c00.intoArray(acc, t);
    c01.intoArray(acc, t + L);
    c02.intoArray(acc, t + 2 * L);
    c03.intoArray(acc, t + 3 * L);
    c10.intoArray(acc, t + as);
    c11.intoArray(acc, t + as + L);
    c12.intoArray(acc, t + as + 2 * L);
    c13.intoArray(acc, t + as + 3 * L);
    c20.intoArray(acc, t + 2 * as);
    c21.intoArray(acc, t + 2 * as + L);
    c22.intoArray(acc, t + 2 * as + 2 * L);
    c23.intoArray(acc, t + 2 * as + 3 * L);
    c30.intoArray(acc, t + 3 * as);
    c31.intoArray(acc, t + 3 * as + L);
    c32.intoArray(acc, t + 3 * as + 2 * L);
    c33.intoArray(acc, t + 3 * as + 3 * L);
  }

}
