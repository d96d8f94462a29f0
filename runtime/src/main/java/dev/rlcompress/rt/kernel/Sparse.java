package dev.rlcompress.rt.kernel;

/**
 * An unstructured-sparse float fully connected layer stored by input column (CSC): for each input,
 * the rows and values of its nonzero weights. A row of activations is processed input by input, and
 * inputs that are exactly zero (half of a ReLU layer's) are skipped whole, so the work is the nonzero
 * weights of the nonzero inputs: y[row] += w·x_i, scalar, out of an L1-resident output row. Vector
 * gathers (a sliced-ELLPACK layout) measured slower still on the development machine's JVM. Both lose
 * to the dense panels above ~5% density: a scalar multiply-add per nonzero costs more than the 16
 * lanes of a dense one skip.
 */
public final class Sparse implements Step {
  /**
   * Density at or below which this kernel is chosen: the dense panels win down to about 5% nonzero at
   * batch 1 in the crossover `rlc bench-runtime` measures on a 256×256 layer (docs/results/runtime.md),
   * so only sparser layers run here.
   */
  public static final double MAX_DENSITY = 0.04;

  final int in, out;
  final int[] colStart; // in + 1 offsets
  final short[] row;
  final float[] val, bias;
  final float floor;

  /** Whether a layer with {@code nnz} nonzero weights should run sparse. */
  public static boolean preferred(long nnz, int in, int out) {
    return out <= Short.MAX_VALUE && out > Lanes.L && nnz <= MAX_DENSITY * in * (double) out;
  }

  /** @param weight [out][in] row-major */
  public Sparse(float[] weight, float[] bias, int in, int out, float floor) {
    if (out > Short.MAX_VALUE) throw new IllegalArgumentException("sparse layers hold at most " + Short.MAX_VALUE + " outputs");
    this.in = in;
    this.out = out;
    this.floor = floor;
    this.colStart = new int[in + 1];
    for (int i = 0; i < in; i++) {
      int n = 0;
      for (int o = 0; o < out; o++) if (weight[o * in + i] != 0f) n++;
      colStart[i + 1] = colStart[i] + n;
    }
    this.row = new short[colStart[in]];
    this.val = new float[colStart[in]];
    for (int i = 0; i < in; i++) {
      int k = colStart[i];
      for (int o = 0; o < out; o++) {
        float v = weight[o * in + i];
        if (v != 0f) {
          row[k] = (short) o;
          val[k++] = v;
        }
      }
    }
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
    return 6L * val.length + 4L * (in + 1) + 4L * out;
  }

  @Override
  public String describe() {
    return String.format("dense %dx%d sparse by column (%.1f%% nonzero)%s", in, out, 100.0 * val.length / ((double) in * out),
        floor == 0f ? " +relu" : "");
  }

  @Override
  public void run(float[] x, float[] y, int batch, Scratch s) {
    int xs = Lanes.stride(in), ys = Lanes.stride(out);
    for (int r = 0; r < batch; r++) {
      int xo = r * xs, yo = r * ys;
      System.arraycopy(bias, 0, y, yo, out);
      for (int i = 0; i < in; i++) {
        float v = x[xo + i];
        if (v == 0f) continue;
        for (int k = colStart[i], end = colStart[i + 1]; k < end; k++) y[yo + row[k]] += val[k] * v;
      }
      for (int o = 0; o < out; o++) y[yo + o] = Math.max(y[yo + o], floor);
      java.util.Arrays.fill(y, yo + out, yo + ys, 0f);
    }
  }
}
