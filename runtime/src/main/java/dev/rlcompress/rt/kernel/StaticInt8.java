package dev.rlcompress.rt.kernel;

import static dev.rlcompress.rt.kernel.Lanes.L;
import static dev.rlcompress.rt.kernel.Lanes.S;

import jdk.incubator.vector.FloatVector;

/**
 * Static int8 (QDQ) fully connected layer: the input quantized to uint8 with its calibrated scale and
 * zero point, int8 weight codes, an int32 bias on the accumulator's scale, then
 * y = (Σ (x_q − zp)·w_q + b_q) · x_scale·w_scale[o]: the integer arithmetic ORT's QGemm performs and
 * rlc's Java reference specifies, exactly (see {@link Int8Panels} for why floats hold it exactly).
 */
public final class StaticInt8 extends Int8Layer {
  private final float[] mult, biasQ; // padded to the output stride
  private final float xScale, zeroPoint;

  /**
   * @param codes int8 weight codes [out][in]
   * @param mult x_scale·w_scale per output
   * @param biasQ int32 bias codes per output
   */
  public StaticInt8(int[] codes, float[] mult, int[] biasQ, int in, int out, float xScale, int zeroPoint, float floor) {
    super(codes, in, out, floor);
    this.mult = padded(mult, out);
    this.biasQ = new float[Lanes.stride(out)];
    for (int o = 0; o < out; o++) this.biasQ[o] = biasQ[o];
    this.xScale = xScale;
    this.zeroPoint = zeroPoint;
  }

  private StaticInt8(StaticInt8 s, float floor) {
    super(s, floor);
    this.mult = s.mult;
    this.biasQ = s.biasQ;
    this.xScale = s.xScale;
    this.zeroPoint = s.zeroPoint;
  }

  /** The same layer with a ReLU fused on its output. */
  public StaticInt8 withRelu() {
    return new StaticInt8(this, 0f);
  }




  @Override
  public int scratchFloats(int batch) {
    return batch * Lanes.stride(w.in);
  }

  @Override
  public String describe() {
    return describe("static int8 (uint8 activations, exact integer accumulation)");
  }

  @Override
  public void run(float[] x, float[] y, int batch, Scratch s) {
    int xs = Lanes.stride(w.in), ys = Lanes.stride(w.out), n = Lanes.roundUp(w.in, L);
    float[] q = s.extra;
    for (int r = 0; r < batch; r++) Elementwise.quantizeCentered(x, r * xs, q, r * xs, n, xScale, zeroPoint);
    accumulate(q, y, batch, s);
    for (int r = 0; r < batch; r++)
      for (int o = 0, t = r * ys; o < ys; o += L, t += L)
        FloatVector.fromArray(S, y, t).add(FloatVector.fromArray(S, biasQ, o)).mul(FloatVector.fromArray(S, mult, o)).max(floor).intoArray(y, t);
  }
}
