package dev.rlcompress.rt.kernel;

import static dev.rlcompress.rt.kernel.Lanes.L;
import static dev.rlcompress.rt.kernel.Lanes.S;

import jdk.incubator.vector.FloatVector;

/**
 * Binary-weight fully connected layer, W[o][i] = ±α[o]: the signs kept as ±1 codes in the panels of
 * {@link Int8Panels} (held as floats, as its Javadoc explains; a masked-add kernel over one bit per
 * weight measured slower than widening bytes on the development machine), then y = α·Σ ±x + b.
 */
public final class Binary extends Int8Layer {
  private final float[] alpha, bias; // padded to the output stride

  /** @param codes ±1 per weight, [out][in]; @param alpha per output */
  public Binary(int[] codes, float[] alpha, float[] bias, int in, int out, float floor) {
    super(codes, in, out, floor);
    this.alpha = padded(alpha, out);
    this.bias = padded(bias, out);
  }




  @Override
  public String describe() {
    return describe("binary (±1 codes, one scale per output)");
  }

  @Override
  public void run(float[] x, float[] y, int batch, Scratch s) {
    int ys = Lanes.stride(w.out);
    accumulate(x, y, batch, s);
    for (int r = 0; r < batch; r++)
      for (int o = 0, t = r * ys; o < ys; o += L, t += L)
        FloatVector.fromArray(S, y, t).mul(FloatVector.fromArray(S, alpha, o)).add(FloatVector.fromArray(S, bias, o)).max(floor).intoArray(y, t);
  }
}
