package dev.rlcompress.compress.quantize;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.LayerId;
import dev.rlcompress.onnx.GraphBuilder;
import dev.rlcompress.onnx.OnnxExporter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * Post-training static quantization (PTSQ) in ONNX's QDQ form: activations quantized to uint8 with
 * ranges fixed by calibration, int8 symmetric weights, int32 bias at scale x_scale·w_scale. Linear
 * becomes Q→DQ→Gemm (ORT fuses to QGemm); Conv gets a Q→DQ on its output too, which ORT needs to form
 * QLinearConv. Each quantized Linear carries its own input Q/DQ, so a Flatten between a Conv and a
 * Linear is followed by the Q/DQ pair ORT's integer Gemm needs.
 */
public final class StaticInt8 implements LayerScheme {
  private final boolean perChannel;
  private final Map<LayerId, QuantParams> inputRange;
  private final Map<LayerId, QuantParams> outputRange;

  /**
   * @param inputRange uint8 parameters of each quantized layer's input
   * @param outputRange uint8 parameters of each Conv layer's output
   */
  public StaticInt8(boolean perChannel, Map<LayerId, QuantParams> inputRange, Map<LayerId, QuantParams> outputRange) {
    this.perChannel = perChannel;
    this.inputRange = Map.copyOf(inputRange);
    this.outputRange = Map.copyOf(outputRange);
  }

  /** The calibrated parameters of each quantized layer's input. */
  public Map<LayerId, QuantParams> inputRanges() {
    return inputRange;
  }

  @Override
  public String describe() {
    return "ptsq-int8" + (perChannel ? "-per-channel" : "-per-tensor");
  }

  @Override
  public boolean supports(Layer layer) {
    return layer instanceof Layer.Linear || layer instanceof Layer.Conv2d;
  }

  private static QuantParams range(Map<LayerId, QuantParams> m, LayerId prefix) {
    QuantParams r = m.get(prefix);
    if (r == null) throw new IllegalStateException("no calibrated range for " + prefix);
    return r;
  }

  @Override
  public String write(GraphBuilder g, Layer layer, LayerId p, String x, int[] shape) {
    QuantParams in = range(inputRange, p);
    String xdq = qdq(g, p + ".input", x, in);
    int rows, cols;
    float[] wts, bias;
    long[] wdims;
    if (layer instanceof Layer.Linear l) {
      rows = l.out();
      cols = l.in();
      wts = l.weight();
      bias = l.bias();
      wdims = new long[] {l.out(), l.in()};
    } else {
      Layer.Conv2d c = (Layer.Conv2d) layer;
      rows = c.outChannels();
      cols = c.inChannels() * c.kernel() * c.kernel();
      wts = c.weight();
      bias = c.bias();
      wdims = new long[] {c.outChannels(), c.inChannels(), c.kernel(), c.kernel()};
    }
    Int8Weights w = Int8Weights.of(wts, rows, cols, perChannel);
    long[] sdims = perChannel ? new long[] {rows} : new long[] {};
    String wq = g.raw(p + ".weight_quantized", TensorProto.DataType.INT8_VALUE, w.q(), wdims);
    String ws = g.floats(p + ".weight_scale", w.scale(), sdims);
    String wzp = g.raw(p + ".weight_zero_point", TensorProto.DataType.INT8_VALUE, new byte[w.scale().length], sdims);
    Map<String, Object> axis = perChannel ? Map.of("axis", 0L) : Map.of();
    String wdq = g.node("DequantizeLinear", new String[] {wq, ws, wzp}, new String[] {g.fresh(p + ".weight_dq")}, axis);
    int[] bq = biasQ(bias, in.scale(), w);
    float[] bs = new float[w.scale().length];
    for (int i = 0; i < bs.length; i++) bs[i] = in.scale() * w.scale()[i];
    ByteBuffer bb = ByteBuffer.allocate(bq.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bb.asIntBuffer().put(bq);
    String bqName = g.raw(p + ".bias_quantized", TensorProto.DataType.INT32_VALUE, bb.array(), bq.length);
    String bsName = g.floats(p + ".bias_scale", bs, sdims);
    String bzp = g.raw(p + ".bias_zero_point", TensorProto.DataType.INT32_VALUE, new byte[4 * bs.length], sdims);
    String bdq = g.node("DequantizeLinear", new String[] {bqName, bsName, bzp}, new String[] {g.fresh(p + ".bias_dq")}, axis);
    if (layer instanceof Layer.Linear) {
      return g.node("Gemm", new String[] {xdq, wdq, bdq}, new String[] {g.fresh(p + ".out")}, Map.of("transB", 1L));
    }
    String y = g.node("Conv", new String[] {xdq, wdq, bdq}, new String[] {g.fresh(p + ".conv")},
        OnnxExporter.convAttrs((Layer.Conv2d) layer));
    return qdq(g, p + ".output", y, range(outputRange, p));
  }

  private static String qdq(GraphBuilder g, String name, String x, QuantParams qp) {
    String s = g.floats(name + "_scale", new float[] {qp.scale()});
    String z = g.raw(name + "_zero_point", TensorProto.DataType.UINT8_VALUE, new byte[] {(byte) qp.zeroPoint()});
    String q = g.node("QuantizeLinear", new String[] {x, s, z}, g.fresh(name + "_q"));
    return g.node("DequantizeLinear", new String[] {q, s, z}, g.fresh(name + "_dq"));
  }

  private static int[] biasQ(float[] bias, float xScale, Int8Weights w) {
    int[] q = new int[bias.length];
    for (int o = 0; o < bias.length; o++) q[o] = (int) Math.rint(bias[o] / (xScale * w.scaleOf(o)));
    return q;
  }

  @Override
  public float stepBound(Layer layer, LayerId p, float[] x, int[] shape) {
    float b = 2 * range(inputRange, p).scale() * QuantBounds.maxAbs(layer) + QuantBounds.floatRounding(layer, x, 1.2e-7f);
    if (layer instanceof Layer.Conv2d) b += 2 * range(outputRange, p).scale();
    return b;
  }

  @Override
  public float[] reference(Layer layer, LayerId p, float[] x, int[] shape) {
    QuantParams in = range(inputRange, p);
    float xs = in.scale();
    int zp = in.zeroPoint();
    int[] xq = new int[x.length];
    for (int i = 0; i < x.length; i++) xq[i] = QMath.quantizeU8(x[i], xs, zp) - zp;
    if (layer instanceof Layer.Linear l) {
      Int8Weights w = Int8Weights.of(l.weight(), l.out(), l.in(), perChannel);
      int[] bq = biasQ(l.bias(), xs, w);
      float[] y = new float[l.out()];
      for (int o = 0; o < l.out(); o++) {
        int acc = bq[o];
        for (int i = 0; i < l.in(); i++) acc += xq[i] * w.q()[o * l.in() + i];
        y[o] = acc * (xs * w.scaleOf(o));
      }
      return y;
    }
    Layer.Conv2d c = (Layer.Conv2d) layer;
    int cols = c.inChannels() * c.kernel() * c.kernel();
    Int8Weights w = Int8Weights.of(c.weight(), c.outChannels(), cols, perChannel);
    int[] bq = biasQ(c.bias(), xs, w);
    int h = shape[1], wd = shape[2], per = c.outSize(h) * c.outSize(wd);
    QuantParams out = range(outputRange, p);
    int[] acc = new int[c.outChannels() * per];
    for (int o = 0; o < acc.length; o++) acc[o] = bq[o / per];
    c.forEachTap(h, wd, (o, wi, xi) -> acc[o] += w.q()[wi] * xq[xi]);
    float[] y = new float[acc.length];
    for (int o = 0; o < acc.length; o++) {
      float v = acc[o] * (xs * w.scaleOf(o / per));
      int q = QMath.quantizeU8(v, out.scale(), out.zeroPoint());
      y[o] = (q - out.zeroPoint()) * out.scale();
    }
    return y;
  }
}
