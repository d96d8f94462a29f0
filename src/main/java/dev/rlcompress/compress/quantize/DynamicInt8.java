package dev.rlcompress.compress.quantize;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.LayerId;
import dev.rlcompress.onnx.GraphBuilder;
import java.util.Map;

/**
 * Post-training dynamic quantization (PTDQ), as PyTorch's quantize_dynamic and ORT's quantize_dynamic
 * do: int8 symmetric weights stored ahead of time, activations quantized to uint8 per call from their
 * own min/max. Written as DynamicQuantizeLinear → MatMulInteger → Cast → Mul(x_scale · w_scale) → Add
 * (bias), the pattern ONNX Runtime fuses into its DynamicQuantizeMatMul integer kernel.
 */
public final class DynamicInt8 implements LayerScheme {
  private final boolean perChannel;

  public DynamicInt8(boolean perChannel) {
    this.perChannel = perChannel;
  }

  @Override
  public String describe() {
    return "ptdq-int8" + (perChannel ? "-per-channel" : "-per-tensor");
  }

  @Override
  public boolean supports(Layer layer) {
    return layer instanceof Layer.Linear;
  }

  @Override
  public String write(GraphBuilder g, Layer layer, LayerId p, String x, int[] shape) {
    Layer.Linear l = (Layer.Linear) layer;
    Int8Weights w = Int8Weights.of(l.weight(), l.out(), l.in(), perChannel);
    // MatMulInteger wants B as [K, N]: transpose the [out][in] weights.
    byte[] bt = new byte[w.q().length];
    for (int o = 0; o < l.out(); o++) for (int i = 0; i < l.in(); i++) bt[i * l.out() + o] = w.q()[o * l.in() + i];
    String wq = g.raw(p + ".weight_quantized", TensorProto.DataType.INT8_VALUE, bt, l.in(), l.out());
    long[] sdims = perChannel ? new long[] {l.out()} : new long[] {};
    String ws = g.floats(p + ".weight_scale", w.scale(), sdims);
    String wzp = g.raw(p + ".weight_zero_point", TensorProto.DataType.INT8_VALUE, new byte[w.scale().length], sdims);
    String xq = g.fresh(p + ".x_q"), xs = g.fresh(p + ".x_scale"), xzp = g.fresh(p + ".x_zero_point");
    g.node("DynamicQuantizeLinear", new String[] {x}, new String[] {xq, xs, xzp}, Map.of());
    String acc = g.node("MatMulInteger", new String[] {xq, wq, xzp, wzp}, g.fresh(p + ".acc"));
    String accF = g.node("Cast", new String[] {acc}, new String[] {g.fresh(p + ".acc_f")},
        Map.of("to", (long) TensorProto.DataType.FLOAT_VALUE));
    String scale = g.node("Mul", new String[] {xs, ws}, g.fresh(p + ".scale"));
    String y = g.node("Mul", new String[] {accF, scale}, g.fresh(p + ".y"));
    String b = g.floats(p + ".bias", l.bias(), l.out());
    return g.node("Add", new String[] {y, b}, g.fresh(p + ".out"));
  }

  @Override
  public float stepBound(Layer layer, LayerId prefix, float[] x, int[] shape) {
    return 2 * QMath.dynamicRange(x).scale() * QuantBounds.maxAbs(layer) + QuantBounds.floatRounding(layer, x, 1.2e-7f);
  }

  @Override
  public float[] reference(Layer layer, LayerId prefix, float[] x, int[] shape) {
    Layer.Linear l = (Layer.Linear) layer;
    Int8Weights w = Int8Weights.of(l.weight(), l.out(), l.in(), perChannel);
    QuantParams r = QMath.dynamicRange(x);
    float xs = r.scale();
    int zp = r.zeroPoint();
    int[] xq = new int[x.length];
    for (int i = 0; i < x.length; i++) xq[i] = xs == 0 ? zp : QMath.quantizeU8(x[i], xs, zp);
    float[] y = new float[l.out()];
    for (int o = 0; o < l.out(); o++) {
      int acc = 0;
      for (int i = 0; i < l.in(); i++) acc += (xq[i] - zp) * w.q()[o * l.in() + i];
      y[o] = (float) acc * (xs * w.scaleOf(o)) + l.bias()[o];
    }
    return y;
  }
}
