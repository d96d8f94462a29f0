package dev.rlcompress.rt.kernel;

import static dev.rlcompress.rt.kernel.Lanes.L;
import static dev.rlcompress.rt.kernel.Lanes.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * A float fully connected layer with few outputs (a Q-value or action layer: at most one vector of
 * them): one dot product per output along W's rows, four rows at a time. Panels would pad the outputs
 * to four vectors and stream up to 16 times the weights; here each weight is read once.
 */
public final class RowDot implements Step {
  final int in, out, k; // k: in rounded up to whole vectors
  final float[] w; // [out][k], zero padded
  final float[] bias;
  final float floor;

  public RowDot(float[] weight, float[] bias, int in, int out, float floor) {
    this.in = in;
    this.out = out;
    this.k = Lanes.roundUp(in, L);
    this.floor = floor;
    this.w = new float[out * k];
    for (int o = 0; o < out; o++) System.arraycopy(weight, o * in, w, o * k, in);
    this.bias = bias.clone();
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
    return "dense " + in + "x" + out + " fp32 row dots" + (floor == 0f ? " +relu" : "");
  }

  @Override
  public void run(float[] x, float[] y, int batch, Scratch s) {
    int xs = Lanes.stride(in), ys = Lanes.stride(out);
    int r = 0;
    if (out == 4) for (; r + 2 <= batch; r += 2) pairOfFour(x, r * xs, xs, y, r * ys, ys);
    for (; r < batch; r++) {
      int xo = r * xs, yo = r * ys, o = 0;
      for (; o + 4 <= out; o += 4) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        for (int kk = 0, w0 = o * k; kk < k; kk += L, w0 += L) {
          FloatVector v = FloatVector.fromArray(S, x, xo + kk);
          s0 = v.fma(FloatVector.fromArray(S, w, w0), s0);
          s1 = v.fma(FloatVector.fromArray(S, w, w0 + k), s1);
          s2 = v.fma(FloatVector.fromArray(S, w, w0 + 2 * k), s2);
          s3 = v.fma(FloatVector.fromArray(S, w, w0 + 3 * k), s3);
        }
        y[yo + o] = Math.max(s0.reduceLanes(VectorOperators.ADD) + bias[o], floor);
        y[yo + o + 1] = Math.max(s1.reduceLanes(VectorOperators.ADD) + bias[o + 1], floor);
        y[yo + o + 2] = Math.max(s2.reduceLanes(VectorOperators.ADD) + bias[o + 2], floor);
        y[yo + o + 3] = Math.max(s3.reduceLanes(VectorOperators.ADD) + bias[o + 3], floor);
      }
      for (; o < out; o++) {
        FloatVector s0 = FloatVector.zero(S);
        for (int kk = 0, w0 = o * k; kk < k; kk += L, w0 += L)
          s0 = FloatVector.fromArray(S, x, xo + kk).fma(FloatVector.fromArray(S, w, w0), s0);
        y[yo + o] = Math.max(s0.reduceLanes(VectorOperators.ADD) + bias[o], floor);
      }
      java.util.Arrays.fill(y, yo + out, yo + ys, 0f);
    }
  }

  /**
   * Two rows against a four-output layer (the DQN's Q-values): eight chains, each weight vector loaded
   * once for both rows. The same chains as one row at a time, so the same sums bit for bit.
   */
  private void pairOfFour(float[] x, int xo, int xs, float[] y, int yo, int ys) {
    FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, t0 = s0, t1 = s0, t2 = s0, t3 = s0;
    for (int kk = 0; kk < k; kk += L) {
      FloatVector v = FloatVector.fromArray(S, x, xo + kk), u = FloatVector.fromArray(S, x, xo + xs + kk);
      FloatVector w0 = FloatVector.fromArray(S, w, kk), w1 = FloatVector.fromArray(S, w, k + kk);
      FloatVector w2 = FloatVector.fromArray(S, w, 2 * k + kk), w3 = FloatVector.fromArray(S, w, 3 * k + kk);
      s0 = v.fma(w0, s0);
      s1 = v.fma(w1, s1);
      s2 = v.fma(w2, s2);
      s3 = v.fma(w3, s3);
      t0 = u.fma(w0, t0);
      t1 = u.fma(w1, t1);
      t2 = u.fma(w2, t2);
      t3 = u.fma(w3, t3);
    }
    y[yo] = Math.max(s0.reduceLanes(VectorOperators.ADD) + bias[0], floor);
    y[yo + 1] = Math.max(s1.reduceLanes(VectorOperators.ADD) + bias[1], floor);
    y[yo + 2] = Math.max(s2.reduceLanes(VectorOperators.ADD) + bias[2], floor);
    y[yo + 3] = Math.max(s3.reduceLanes(VectorOperators.ADD) + bias[3], floor);
    java.util.Arrays.fill(y, yo + 4, yo + ys, 0f);
    int zo = yo + ys;
    y[zo] = Math.max(t0.reduceLanes(VectorOperators.ADD) + bias[0], floor);
    y[zo + 1] = Math.max(t1.reduceLanes(VectorOperators.ADD) + bias[1], floor);
    y[zo + 2] = Math.max(t2.reduceLanes(VectorOperators.ADD) + bias[2], floor);
    y[zo + 3] = Math.max(t3.reduceLanes(VectorOperators.ADD) + bias[3], floor);
    java.util.Arrays.fill(y, zo + 4, zo + ys, 0f);
  }
}
