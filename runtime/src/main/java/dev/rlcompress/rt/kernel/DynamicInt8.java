package dev.rlcompress.rt.kernel;

import static dev.rlcompress.rt.kernel.Lanes.L;
import static dev.rlcompress.rt.kernel.Lanes.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Dynamic int8 fully connected layer (DynamicQuantizeLinear → MatMulInteger → scale → bias): the
 * input's uint8 scale and zero point computed per call from its own min/max over the whole batch
 * tensor, as the operator specifies, then y = Σ (x_q − zp)·w_q · (x_scale·w_scale[o]) + b[o] with the
 * integer sum exact.
 */
public final class DynamicInt8 extends Int8Layer {
  private final float[] wScale, bias; // padded to the output stride

  public DynamicInt8(int[] codes, float[] wScale, float[] bias, int in, int out, float floor) {
    super(codes, in, out, floor);
    this.wScale = padded(wScale, out);
    this.bias = padded(bias, out);
  }




  @Override
  public int scratchFloats(int batch) {
    return batch * Lanes.stride(w.in);
  }

  @Override
  public String describe() {
    return describe("dynamic int8 (exact integer accumulation)");
  }

  @Override
  public void run(float[] x, float[] y, int batch, Scratch s) {
    int xs = Lanes.stride(w.in), ys = Lanes.stride(w.out), n = Lanes.roundUp(w.in, L);
    // the input's range, including 0 (min and max are exact in any order). Row by row, each vector loop
    // reduced before the next row: vectors live across the row loop were boxed on some JIT runs (144
    // bytes a call at batch 1, JavaRuntimeTest.steadyStateCallsAllocateNothing).
    float[] range = s.range;
    range[0] = 0f;
    range[1] = 0f;
    for (int r = 0; r < batch; r++) Elementwise.widenRange(x, r * xs, w.in, range);
    float lo = range[0], hi = range[1];
    float scale = (hi - lo) / 255f; // DynamicQuantizeLinear: (max(0, max x) − min(0, min x)) / 255
    float[] q = s.extra;
    if (scale == 0f) {
      java.util.Arrays.fill(q, 0, batch * xs, 0f);
    } else {
      float zp = Math.max(0f, Math.min(255f, (float) Math.rint(-lo / scale)));
      for (int r = 0; r < batch; r++) Elementwise.quantizeCentered(x, r * xs, q, r * xs, n, scale, zp);
    }
    accumulate(q, y, batch, s);
    for (int r = 0; r < batch; r++)
      for (int o = 0, t = r * ys; o < ys; o += L, t += L) {
        // Mul(x_scale, w_scale), then Mul, then Add: three roundings as in the graph
        FloatVector m = FloatVector.fromArray(S, wScale, o).mul(scale);
        FloatVector.fromArray(S, y, t).mul(m).add(FloatVector.fromArray(S, bias, o)).max(floor).intoArray(y, t);
      }
  }
}
