package dev.rlcompress.rt.kernel;

import static dev.rlcompress.rt.kernel.Lanes.L;
import static dev.rlcompress.rt.kernel.Lanes.S;

import jdk.incubator.vector.FloatVector;

/**
 * An unstructured-sparse float fully connected layer in sliced ELLPACK form (SELL-L): outputs are
 * taken L at a time (one vector), and slot k of a slice holds the k-th nonzero of each of its L rows
 * (column index and value; shorter rows padded with a zero weight on column 0). A slot is one vector
 * gather of the inputs and one fused multiply-add for L outputs at once, with no horizontal sums, so
 * work scales with the nonzeros (plus the padding to the slice's longest row).
 */
public final class Sparse implements Step {
  /**
   * Density at or below which this kernel beats the dense panels at batch 1, measured on the 256×256
   * layer of the LunarLander policies with `rlc bench-runtime` (docs/results/runtime.md).
   */
  public static final double MAX_DENSITY = 0.30;

  final int in, out, slices;
  final int[] start; // slot offset of each slice, in units of L
  final int[] col;
  final float[] val, bias;
  final float floor;
  final long nnz;

  /** Whether a layer with {@code nnz} nonzero weights should run sparse. */
  public static boolean preferred(long nnz, int in, int out) {
    return in >= L && nnz <= MAX_DENSITY * in * (double) out;
  }

  /** @param weight [out][in] row-major */
  public Sparse(float[] weight, float[] bias, int in, int out, float floor) {
    this.in = in;
    this.out = out;
    this.floor = floor;
    this.slices = (out + L - 1) / L;
    this.start = new int[slices + 1];
    long count = 0;
    for (int sl = 0; sl < slices; sl++) {
      int widest = 0;
      for (int o = sl * L; o < Math.min(out, sl * L + L); o++) {
        int n = 0;
        for (int i = 0; i < in; i++) if (weight[o * in + i] != 0f) n++;
        widest = Math.max(widest, n);
        count += n;
      }
      start[sl + 1] = start[sl] + widest;
    }
    this.nnz = count;
    this.col = new int[start[slices] * L];
    this.val = new float[start[slices] * L];
    for (int sl = 0; sl < slices; sl++)
      for (int o = sl * L; o < Math.min(out, sl * L + L); o++) {
        int k = start[sl];
        for (int i = 0; i < in; i++) {
          float v = weight[o * in + i];
          if (v == 0f) continue;
          col[k * L + o % L] = i;
          val[k * L + o % L] = v;
          k++;
        }
      }
    this.bias = new float[Lanes.stride(out)];
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
    return 8L * nnz + 4L * out;
  }

  @Override
  public String describe() {
    return String.format("dense %dx%d sparse SELL-%d (%.1f%% nonzero, %d slots)%s", in, out, L, 100.0 * nnz / ((double) in * out),
        start[slices] * L, floor == 0f ? " +relu" : "");
  }

  @Override
  public void run(float[] x, float[] y, int batch, Scratch s) {
    int xs = Lanes.stride(in), ys = Lanes.stride(out);
    for (int r = 0; r < batch; r++) {
      int xo = r * xs, yo = r * ys;
      for (int sl = 0; sl < slices; sl++) {
        FloatVector a = FloatVector.fromArray(S, bias, sl * L), b = FloatVector.zero(S);
        int k = start[sl] * L, end = start[sl + 1] * L;
        for (; k + 2 * L <= end; k += 2 * L) {
          a = FloatVector.fromArray(S, x, xo, col, k).fma(FloatVector.fromArray(S, val, k), a);
          b = FloatVector.fromArray(S, x, xo, col, k + L).fma(FloatVector.fromArray(S, val, k + L), b);
        }
        if (k < end) a = FloatVector.fromArray(S, x, xo, col, k).fma(FloatVector.fromArray(S, val, k), a);
        a.add(b).max(floor).intoArray(y, yo + sl * L);
      }
      java.util.Arrays.fill(y, yo + slices * L, yo + ys, 0f);
    }
  }
}
