package dev.rlcompress.rt.kernel;

import static dev.rlcompress.rt.kernel.Lanes.L;
import static dev.rlcompress.rt.kernel.Lanes.ROW;
import static dev.rlcompress.rt.kernel.Lanes.S;

import jdk.incubator.vector.FloatVector;

/**
 * A float fully connected layer {@code y = max(W x + b, floor)} with W packed at load time into panels
 * of four vectors of outputs: panel p holds, for each input i, the weights of outputs [4L·p, 4L·p+4L)
 * contiguously. Both call shapes read the panels front to back:
 *
 * <ul>
 *   <li>batch 1 broadcasts x[i] and multiplies it into the accumulators of four panels side by side
 *       (two where the CPU has 16 vector registers), so the weights stream once through the core with no horizontal sums; where at least a
 *       quarter of the inputs are exactly zero (half of a ReLU layer's) they are skipped through a
 *       compacted index list ({@link Lanes#listNonzeros}), which changes no result since they would add 0·w;
 *   <li>batches run a blocked GEMM: the register tiles of {@link Tiles} over one panel, the panel staying in L1/L2 while all rows pass over it.
 * </ul>
 *
 * floor = 0 fuses a following ReLU; −∞ means none.
 */
public final class Dense implements Step {
  final int in, out, panels;
  final float[] w; // [panel][in][ROW]
  final float[] bias; // [panels*ROW], zero padded
  final float floor;

  /** @param weight row-major [out][in] */
  public Dense(float[] weight, float[] bias, int in, int out, float floor) {
    this.in = in;
    this.out = out;
    this.floor = floor;
    this.panels = (out + ROW - 1) / ROW;
    this.w = pack(weight, in, out);
    this.bias = new float[panels * ROW];
    System.arraycopy(bias, 0, this.bias, 0, out);
  }

  /**
   * The fp32 kernel for a dense layer's shape: row dot products ({@link RowDot}) for a layer of at most
   * one vector of outputs (a Q-value or action layer: panels would pad it to four vectors, up to 16
   * times the work), panels otherwise. {@code weight} is row-major [out][in].
   */
  public static Step of(float[] weight, float[] bias, int in, int out, float floor) {
    return out <= L ? new RowDot(weight, bias, in, out, floor) : new Dense(weight, bias, in, out, floor);
  }

  /** Weights [out][in] into panels [out/ROW][in][ROW], zero padded. */
  static float[] pack(float[] weight, int in, int out) {
    int panels = (out + ROW - 1) / ROW;
    float[] p = new float[panels * in * ROW];
    for (int o = 0; o < out; o++) {
      int base = (o / ROW) * in * ROW + o % ROW;
      for (int i = 0; i < in; i++) p[base + i * ROW] = weight[o * in + i];
    }
    return p;
  }

  @Override
  public int inWidth() {
    return in;
  }

  @Override
  public int outWidth() {
    return out;
  }

  @Override
  public long weightBytes() {
    return 4L * (in * (long) out + out);
  }

  @Override
  public String describe() {
    return "dense " + in + "x" + out + " fp32 panels" + (floor == 0f ? " +relu" : "");
  }

  @Override
  public void run(float[] x, float[] y, int batch, Scratch s) {
    int xs = Lanes.stride(in), ys = Lanes.stride(out);
    if (batch == 1) {
      gemv(x, 0, y, 0, s.idx);
      return;
    }
    Tiles.Product prod = s.product.a(x, xs, 1).b(w, ROW, in).c(y, ys, bias, floor);
    for (int p = 0; p < panels; p++) Tiles.rows(prod, batch, p * in * ROW, p * ROW);
  }

  /**
   * y = W x + b for one row. The nonzero inputs are listed first (in scratch), so the multiply loop has no data-dependent branch.
   */
  void gemv(float[] x, int xo, float[] y, int yo, int[] idx) {
    gemv(x, xo, y, yo, idx, Lanes.REGISTERS);
  }

  /**
   * {@link #gemv(float[], int, float[], int, int[])} planned for {@code registers} vector registers:
   * four panels a pass (16 accumulators) with 32, two (8) with 16, where 16 accumulators and the
   * broadcast input would spill; a 256×256 layer took 2.4–2.5 µs against 3.0–3.5 µs for the spilling
   * plan on the AVX2 development machine (alternated runs). Each output is the same chain of FMAs from
   * its bias in either plan, so the answers are equal bit for bit ({@code DenseTest}).
   */
  void gemv(float[] x, int xo, float[] y, int yo, int[] idx, int registers) {
    int listed = Lanes.listNonzeros(x, xo, in, idx);
    int[] list = listed < 0 ? null : idx;
    int nz = listed < 0 ? in : listed;
    int p = 0;
    if (registers >= 32) for (; p + 4 <= panels; p += 4) gemv4(x, xo, y, yo, p, list, nz);
    for (; p + 2 <= panels; p += 2) gemv2(x, xo, y, yo, p, list, nz);
    for (; p < panels; p++) {
      if (out - p * ROW <= 2 * L) gemvHalf(x, xo, y, yo, p, list, nz);
      else gemv1(x, xo, y, yo, p, list, nz);
    }
  }

  private void gemv2(float[] x, int xo, float[] y, int yo, int p, int[] idx, int nz) {
    int stride = in * ROW, w0 = p * stride, w1 = w0 + stride;
    int b = p * ROW;
    FloatVector a0 = FloatVector.fromArray(S, bias, b), a1 = FloatVector.fromArray(S, bias, b + L);
    FloatVector a2 = FloatVector.fromArray(S, bias, b + 2 * L), a3 = FloatVector.fromArray(S, bias, b + 3 * L);
    FloatVector c0 = FloatVector.fromArray(S, bias, b + ROW), c1 = FloatVector.fromArray(S, bias, b + ROW + L);
    FloatVector c2 = FloatVector.fromArray(S, bias, b + ROW + 2 * L), c3 = FloatVector.fromArray(S, bias, b + ROW + 3 * L);
    for (int k = 0; k < nz; k++) {
      int i = idx == null ? k : idx[k], o = i * ROW; // idx null: all inputs (C2 unswitches the loop)
      FloatVector v = FloatVector.broadcast(S, x[xo + i]);
      a0 = v.fma(FloatVector.fromArray(S, w, w0 + o), a0);
      a1 = v.fma(FloatVector.fromArray(S, w, w0 + o + L), a1);
      a2 = v.fma(FloatVector.fromArray(S, w, w0 + o + 2 * L), a2);
      a3 = v.fma(FloatVector.fromArray(S, w, w0 + o + 3 * L), a3);
      c0 = v.fma(FloatVector.fromArray(S, w, w1 + o), c0);
      c1 = v.fma(FloatVector.fromArray(S, w, w1 + o + L), c1);
      c2 = v.fma(FloatVector.fromArray(S, w, w1 + o + 2 * L), c2);
      c3 = v.fma(FloatVector.fromArray(S, w, w1 + o + 3 * L), c3);
    }
    int t = yo + p * ROW;
    a0.max(floor).intoArray(y, t);
    a1.max(floor).intoArray(y, t + L);
    a2.max(floor).intoArray(y, t + 2 * L);
    a3.max(floor).intoArray(y, t + 3 * L);
    c0.max(floor).intoArray(y, t + ROW);
    c1.max(floor).intoArray(y, t + ROW + L);
    c2.max(floor).intoArray(y, t + ROW + 2 * L);
    c3.max(floor).intoArray(y, t + ROW + 3 * L);
  }

  private void gemv4(float[] x, int xo, float[] y, int yo, int p, int[] idx, int nz) {
    int stride = in * ROW, w0 = p * stride, w1 = w0 + stride, w2 = w1 + stride, w3 = w2 + stride;
    int b = p * ROW;
    FloatVector a0 = FloatVector.fromArray(S, bias, b), a1 = FloatVector.fromArray(S, bias, b + L);
    FloatVector a2 = FloatVector.fromArray(S, bias, b + 2 * L), a3 = FloatVector.fromArray(S, bias, b + 3 * L);
    FloatVector c0 = FloatVector.fromArray(S, bias, b + ROW), c1 = FloatVector.fromArray(S, bias, b + ROW + L);
    FloatVector c2 = FloatVector.fromArray(S, bias, b + ROW + 2 * L), c3 = FloatVector.fromArray(S, bias, b + ROW + 3 * L);
    FloatVector d0 = FloatVector.fromArray(S, bias, b + 2 * ROW), d1 = FloatVector.fromArray(S, bias, b + 2 * ROW + L);
    FloatVector d2 = FloatVector.fromArray(S, bias, b + 2 * ROW + 2 * L), d3 = FloatVector.fromArray(S, bias, b + 2 * ROW + 3 * L);
    FloatVector e0 = FloatVector.fromArray(S, bias, b + 3 * ROW), e1 = FloatVector.fromArray(S, bias, b + 3 * ROW + L);
    FloatVector e2 = FloatVector.fromArray(S, bias, b + 3 * ROW + 2 * L), e3 = FloatVector.fromArray(S, bias, b + 3 * ROW + 3 * L);
    for (int k = 0; k < nz; k++) {
      int i = idx == null ? k : idx[k], o = i * ROW; // idx null: all inputs (C2 unswitches the loop)
      FloatVector v = FloatVector.broadcast(S, x[xo + i]);
      a0 = v.fma(FloatVector.fromArray(S, w, w0 + o), a0);
      a1 = v.fma(FloatVector.fromArray(S, w, w0 + o + L), a1);
      a2 = v.fma(FloatVector.fromArray(S, w, w0 + o + 2 * L), a2);
      a3 = v.fma(FloatVector.fromArray(S, w, w0 + o + 3 * L), a3);
      c0 = v.fma(FloatVector.fromArray(S, w, w1 + o), c0);
      c1 = v.fma(FloatVector.fromArray(S, w, w1 + o + L), c1);
      c2 = v.fma(FloatVector.fromArray(S, w, w1 + o + 2 * L), c2);
      c3 = v.fma(FloatVector.fromArray(S, w, w1 + o + 3 * L), c3);
      d0 = v.fma(FloatVector.fromArray(S, w, w2 + o), d0);
      d1 = v.fma(FloatVector.fromArray(S, w, w2 + o + L), d1);
      d2 = v.fma(FloatVector.fromArray(S, w, w2 + o + 2 * L), d2);
      d3 = v.fma(FloatVector.fromArray(S, w, w2 + o + 3 * L), d3);
      e0 = v.fma(FloatVector.fromArray(S, w, w3 + o), e0);
      e1 = v.fma(FloatVector.fromArray(S, w, w3 + o + L), e1);
      e2 = v.fma(FloatVector.fromArray(S, w, w3 + o + 2 * L), e2);
      e3 = v.fma(FloatVector.fromArray(S, w, w3 + o + 3 * L), e3);
    }
    int t = yo + p * ROW;
    a0.max(floor).intoArray(y, t);
    a1.max(floor).intoArray(y, t + L);
    a2.max(floor).intoArray(y, t + 2 * L);
    a3.max(floor).intoArray(y, t + 3 * L);
    c0.max(floor).intoArray(y, t + ROW);
    c1.max(floor).intoArray(y, t + ROW + L);
    c2.max(floor).intoArray(y, t + ROW + 2 * L);
    c3.max(floor).intoArray(y, t + ROW + 3 * L);
    d0.max(floor).intoArray(y, t + 2 * ROW);
    d1.max(floor).intoArray(y, t + 2 * ROW + L);
    d2.max(floor).intoArray(y, t + 2 * ROW + 2 * L);
    d3.max(floor).intoArray(y, t + 2 * ROW + 3 * L);
    e0.max(floor).intoArray(y, t + 3 * ROW);
    e1.max(floor).intoArray(y, t + 3 * ROW + L);
    e2.max(floor).intoArray(y, t + 3 * ROW + 2 * L);
    e3.max(floor).intoArray(y, t + 3 * ROW + 3 * L);
  }

  /**
   * A last panel with at most two vectors of outputs (a 32-unit layer under AVX-512's 64-float
   * panels, as structured pruning leaves them): only those two are computed, the zero-padded rest of
   * the panel is never read, and the padding outputs are written as the zeros they are. Four
   * accumulator chains per vector, inputs taken four at a time. Measured on the PPO LunarLander
   * policy pruned 50% structured (AVX-512, alternated runs): its 32x32 layer 55 → 33 ns, the whole call
   * 160 → 135 ns.
   */
  private void gemvHalf(float[] x, int xo, float[] y, int yo, int p, int[] idx, int nz) {
    int w0 = p * in * ROW, b = p * ROW;
    FloatVector a0 = FloatVector.fromArray(S, bias, b), a1 = FloatVector.fromArray(S, bias, b + L);
    FloatVector c0 = FloatVector.zero(S), c1 = c0, d0 = c0, d1 = c0, e0 = c0, e1 = c0;
    int k = 0;
    for (; k + 4 <= nz; k += 4) {
      int i = idx == null ? k : idx[k], j = idx == null ? k + 1 : idx[k + 1];
      int g = idx == null ? k + 2 : idx[k + 2], h = idx == null ? k + 3 : idx[k + 3];
      int oi = w0 + i * ROW, oj = w0 + j * ROW, og = w0 + g * ROW, oh = w0 + h * ROW;
      FloatVector vi = FloatVector.broadcast(S, x[xo + i]), vj = FloatVector.broadcast(S, x[xo + j]);
      FloatVector vg = FloatVector.broadcast(S, x[xo + g]), vh = FloatVector.broadcast(S, x[xo + h]);
      a0 = vi.fma(FloatVector.fromArray(S, w, oi), a0);
      a1 = vi.fma(FloatVector.fromArray(S, w, oi + L), a1);
      c0 = vj.fma(FloatVector.fromArray(S, w, oj), c0);
      c1 = vj.fma(FloatVector.fromArray(S, w, oj + L), c1);
      d0 = vg.fma(FloatVector.fromArray(S, w, og), d0);
      d1 = vg.fma(FloatVector.fromArray(S, w, og + L), d1);
      e0 = vh.fma(FloatVector.fromArray(S, w, oh), e0);
      e1 = vh.fma(FloatVector.fromArray(S, w, oh + L), e1);
    }
    for (; k < nz; k++) {
      int i = idx == null ? k : idx[k], o = w0 + i * ROW;
      FloatVector v = FloatVector.broadcast(S, x[xo + i]);
      a0 = v.fma(FloatVector.fromArray(S, w, o), a0);
      a1 = v.fma(FloatVector.fromArray(S, w, o + L), a1);
    }
    int t = yo + p * ROW;
    a0.add(c0).add(d0.add(e0)).max(floor).intoArray(y, t);
    a1.add(c1).add(d1.add(e1)).max(floor).intoArray(y, t + L);
    java.util.Arrays.fill(y, t + 2 * L, t + ROW, 0f);
  }

  /** One panel, the inputs split in two halves with their own accumulators (eight independent chains). */
  private void gemv1(float[] x, int xo, float[] y, int yo, int p, int[] idx, int nz) {
    int w0 = p * in * ROW, b = p * ROW;
    FloatVector a0 = FloatVector.fromArray(S, bias, b), a1 = FloatVector.fromArray(S, bias, b + L);
    FloatVector a2 = FloatVector.fromArray(S, bias, b + 2 * L), a3 = FloatVector.fromArray(S, bias, b + 3 * L);
    FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
    int k = 0;
    for (; k + 2 <= nz; k += 2) {
      int i = idx == null ? k : idx[k], j = idx == null ? k + 1 : idx[k + 1], o = i * ROW, q = j * ROW;
      FloatVector v = FloatVector.broadcast(S, x[xo + i]), u = FloatVector.broadcast(S, x[xo + j]);
      a0 = v.fma(FloatVector.fromArray(S, w, w0 + o), a0);
      a1 = v.fma(FloatVector.fromArray(S, w, w0 + o + L), a1);
      a2 = v.fma(FloatVector.fromArray(S, w, w0 + o + 2 * L), a2);
      a3 = v.fma(FloatVector.fromArray(S, w, w0 + o + 3 * L), a3);
      c0 = u.fma(FloatVector.fromArray(S, w, w0 + q), c0);
      c1 = u.fma(FloatVector.fromArray(S, w, w0 + q + L), c1);
      c2 = u.fma(FloatVector.fromArray(S, w, w0 + q + 2 * L), c2);
      c3 = u.fma(FloatVector.fromArray(S, w, w0 + q + 3 * L), c3);
    }
    if (k < nz) {
      int i = idx == null ? k : idx[k], o = i * ROW;
      FloatVector v = FloatVector.broadcast(S, x[xo + i]);
      a0 = v.fma(FloatVector.fromArray(S, w, w0 + o), a0);
      a1 = v.fma(FloatVector.fromArray(S, w, w0 + o + L), a1);
      a2 = v.fma(FloatVector.fromArray(S, w, w0 + o + 2 * L), a2);
      a3 = v.fma(FloatVector.fromArray(S, w, w0 + o + 3 * L), a3);
    }
    int t = yo + p * ROW;
    a0.add(c0).max(floor).intoArray(y, t);
    a1.add(c1).max(floor).intoArray(y, t + L);
    a2.add(c2).max(floor).intoArray(y, t + 2 * L);
    a3.add(c3).max(floor).intoArray(y, t + 3 * L);
  }

}
