package dev.rlcompress.compress.quantize;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.rlcompress.model.Forward;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.LayerId;
import dev.rlcompress.onnx.GraphBuilder;
import java.util.Map;

/**
 * Binary weights {-α, +α} per output channel. ONNX has no 1-bit type, so the file stores the signs as
 * int8 ±1 with α as a per-channel DequantizeLinear scale (exact: ±1·α is ±α in fp32); the size a
 * bit-packed deployment would need is reported by {@link #packedBytes}.
 */
public final class BinaryWeights implements LayerScheme {
  @Override
  public String describe() {
    return "binary";
  }

  @Override
  public boolean supports(Layer layer) {
    return layer instanceof Layer.Linear;
  }

  /** α per row: the mean |w| of the row (Rastegari et al. 2016, XNOR-Net), for weights already binarized it is the magnitude. */
  static float[] alpha(Layer.Linear l) {
    float[] a = new float[l.out()];
    for (int o = 0; o < l.out(); o++) {
      double s = 0;
      for (int i = 0; i < l.in(); i++) s += Math.abs(l.w(o, i));
      a[o] = (float) (s / l.in());
    }
    return a;
  }

  static Layer.Linear binarize(Layer.Linear l) {
    float[] a = alpha(l);
    float[] w = new float[l.weight().length];
    for (int o = 0; o < l.out(); o++)
      for (int i = 0; i < l.in(); i++) w[o * l.in() + i] = l.w(o, i) >= 0 ? a[o] : -a[o];
    return new Layer.Linear(l.in(), l.out(), w, l.bias().clone());
  }

  @Override
  public String write(GraphBuilder g, Layer layer, LayerId p, String x, int[] shape) {
    Layer.Linear l = (Layer.Linear) layer;
    float[] a = alpha(l);
    byte[] signs = new byte[l.weight().length];
    for (int i = 0; i < signs.length; i++) signs[i] = (byte) (l.weight()[i] >= 0 ? 1 : -1);
    String s = g.raw(p + ".weight_sign", TensorProto.DataType.INT8_VALUE, signs, l.out(), l.in());
    String sc = g.floats(p + ".weight_scale", a, l.out());
    String zp = g.raw(p + ".weight_zero_point", TensorProto.DataType.INT8_VALUE, new byte[l.out()], l.out());
    String w = g.node("DequantizeLinear", new String[] {s, sc, zp}, new String[] {g.fresh(p + ".weight")}, Map.of("axis", 0L));
    String b = g.floats(p + ".bias", l.bias(), l.out());
    return g.node("Gemm", new String[] {x, w, b}, new String[] {g.fresh(p + ".out")}, Map.of("transB", 1L));
  }

  @Override
  public float[] reference(Layer layer, LayerId p, float[] x, int[] shape) {
    return Forward.apply(binarize((Layer.Linear) layer), x, shape);
  }

  /** One bit per weight plus fp32 α and bias per output. */
  public static long packedBytes(Layer.Linear l) {
    return ((long) l.in() * l.out() + 7) / 8 + 8L * l.out();
  }
}
