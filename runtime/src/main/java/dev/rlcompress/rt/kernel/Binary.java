package dev.rlcompress.rt.kernel;

import static dev.rlcompress.rt.kernel.Lanes.L;
import static dev.rlcompress.rt.kernel.Lanes.ROW;
import static dev.rlcompress.rt.kernel.Lanes.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Binary-weight fully connected layer, W[o][i] = ±α[o]: one bit per weight (a 32nd of fp32), bit set
 * for −α. Since Σ_i ±x_i = Σ x − 2·Σ_{negative} x, the kernel only adds each input into the lanes whose
 * bit is set (a masked add, no multiply) and finishes with y = α·(Σx − 2·neg) + b. Bits are packed in
 * the panel order of {@link Dense}: one long of four vector masks per input and panel.
 */
public final class Binary implements Step {
  final int in, out, panels;
  final long[] bits; // [panel][in]: bit j of the long = output 4L·p + j is negative
  final float[] alpha, bias; // padded to panels·ROW
  final float floor;

  /** @param codes ±1 per weight, [out][in]; @param alpha per output */
  public Binary(int[] codes, float[] alpha, float[] bias, int in, int out, float floor) {
    if (ROW > 64) throw new IllegalStateException("binary kernel packs 4 vectors of masks in a long");
    this.in = in;
    this.out = out;
    this.floor = floor;
    this.panels = (out + ROW - 1) / ROW;
    this.bits = new long[panels * in];
    for (int o = 0; o < out; o++)
      for (int i = 0; i < in; i++) if (codes[o * in + i] < 0) bits[(o / ROW) * in + i] |= 1L << (o % ROW);
    this.alpha = new float[panels * ROW];
    this.bias = new float[panels * ROW];
    System.arraycopy(alpha, 0, this.alpha, 0, out);
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

  @Override
  public long weightBytes() {
    return ((long) in * out + 7) / 8 + 8L * out;
  }

  @Override
  public String describe() {
    return "dense " + in + "x" + out + " binary (1 bit per weight, masked adds)" + (floor == 0f ? " +relu" : "");
  }

  private static final long LANE_MASK = L == 64 ? -1L : (1L << L) - 1;

  private static VectorMask<Float> mask(long b, int j) {
    return VectorMask.fromLong(S, (b >>> (j * L)) & LANE_MASK);
  }

  @Override
  public void run(float[] x, float[] y, int batch, Scratch s) {
    int xs = Lanes.stride(in), ys = Lanes.stride(out);
    int[] idx = s.idx;
    for (int r = 0; r < batch; r++) {
      int xo = r * xs, nz = 0;
      float sum = 0f;
      for (int i = 0; i < in; i++) {
        idx[nz] = i;
        sum += x[xo + i];
        nz += x[xo + i] != 0f ? 1 : 0;
      }
      FloatVector total = FloatVector.broadcast(S, sum);
      for (int p = 0; p < panels; p++) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int b0 = p * in;
        for (int k = 0; k < nz; k++) {
          int i = idx[k];
          long b = bits[b0 + i];
          FloatVector v = FloatVector.broadcast(S, x[xo + i]);
          a0 = a0.add(v, mask(b, 0));
          a1 = a1.add(v, mask(b, 1));
          a2 = a2.add(v, mask(b, 2));
          a3 = a3.add(v, mask(b, 3));
        }
        int t = r * ys + p * ROW, c = p * ROW;
        finish(a0, total, y, t, c);
        finish(a1, total, y, t + L, c + L);
        finish(a2, total, y, t + 2 * L, c + 2 * L);
        finish(a3, total, y, t + 3 * L, c + 3 * L);
      }
    }
  }

  private void finish(FloatVector neg, FloatVector total, float[] y, int t, int c) {
    FloatVector signed = total.sub(neg.add(neg));
    signed.mul(FloatVector.fromArray(S, alpha, c)).add(FloatVector.fromArray(S, bias, c)).max(floor).intoArray(y, t);
  }
}
