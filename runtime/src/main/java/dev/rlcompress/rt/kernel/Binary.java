package dev.rlcompress.rt.kernel;

import static dev.rlcompress.rt.kernel.Lanes.L;
import static dev.rlcompress.rt.kernel.Lanes.S;

import jdk.incubator.vector.FloatVector;

/**
 * Binary-weight fully connected layer, W[o][i] = ±α[o]: the signs kept as ±1 int8 codes in the panels
 * of {@link Int8Panels} (a quarter of fp32; a masked-add kernel over one bit per weight measured
 * slower than widening bytes on the development machine), then y = α·Σ ±x + b.
 */
public final class Binary implements Step {
  private final Int8Panels w;
  private final float[] alpha, bias; // padded to the output stride
  private final float floor;

  /** @param codes ±1 per weight, [out][in]; @param alpha per output */
  public Binary(int[] codes, float[] alpha, float[] bias, int in, int out, float floor) {
    this.w = new Int8Panels(codes, in, out);
    this.alpha = new float[Lanes.stride(out)];
    this.bias = new float[Lanes.stride(out)];
    System.arraycopy(alpha, 0, this.alpha, 0, out);
    System.arraycopy(bias, 0, this.bias, 0, out);
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
    return (long) w.in * w.out + 8L * w.out;
  }

  @Override
  public String describe() {
    return "dense " + w.in + "x" + w.out + " binary (±1 codes, one scale per output)" + (floor == 0f ? " +relu" : "");
  }

  @Override
  public void run(float[] x, float[] y, int batch, Scratch s) {
    int xs = Lanes.stride(w.in), ys = Lanes.stride(w.out);
    if (batch == 1) w.gemv(x, 0, y, 0, s.idx);
    else w.gemm(x, xs, y, ys, batch);
    for (int r = 0; r < batch; r++)
      for (int o = 0, t = r * ys; o < ys; o += L, t += L)
        FloatVector.fromArray(S, y, t).mul(FloatVector.fromArray(S, alpha, o)).add(FloatVector.fromArray(S, bias, o)).max(floor).intoArray(y, t);
  }
}
