package dev.rlcompress.compress.quantize;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.LayerId;
import dev.rlcompress.model.Forward;
import dev.rlcompress.onnx.GraphBuilder;
import dev.rlcompress.onnx.OnnxExporter;
import java.util.Map;

/**
 * fp16 weight storage: weights and biases stored as fp16 and Cast to fp32 in the graph. The file halves;
 * ONNX Runtime folds the Cast at load, so inference runs at fp32 speed on CPUs (a full fp16 graph runs
 * slowly on x64 — see {@link Fp16Graph} for that option).
 */
public final class Fp16Weights implements LayerScheme {
  @Override
  public String describe() {
    return "fp16-weights";
  }

  @Override
  public boolean supports(Layer layer) {
    return storesHalf(layer);
  }

  /** The layers whose weights both fp16 schemes store in half precision: fully connected and convolutions. */
  static boolean storesHalf(Layer layer) {
    return layer instanceof Layer.Linear || layer instanceof Layer.Conv2d;
  }

  @Override
  public String write(GraphBuilder g, Layer layer, LayerId p, String x, int[] shape) {
    Map<String, Object> toFloat = Map.of("to", (long) TensorProto.DataType.FLOAT_VALUE);
    if (layer instanceof Layer.Linear l) {
      String w = g.raw(p + ".weight_fp16", TensorProto.DataType.FLOAT16_VALUE, QMath.fp16Bytes(l.weight()), l.out(), l.in());
      String b = g.raw(p + ".bias_fp16", TensorProto.DataType.FLOAT16_VALUE, QMath.fp16Bytes(l.bias()), l.out());
      String wf = g.node("Cast", new String[] {w}, new String[] {g.fresh(p + ".weight")}, toFloat);
      String bf = g.node("Cast", new String[] {b}, new String[] {g.fresh(p + ".bias")}, toFloat);
      return g.node("Gemm", new String[] {x, wf, bf}, new String[] {g.fresh(p + ".out")}, Map.of("transB", 1L));
    }
    Layer.Conv2d c = (Layer.Conv2d) layer;
    String w = g.raw(p + ".weight_fp16", TensorProto.DataType.FLOAT16_VALUE, QMath.fp16Bytes(c.weight()),
        c.outChannels(), c.inChannels(), c.kernel(), c.kernel());
    String b = g.raw(p + ".bias_fp16", TensorProto.DataType.FLOAT16_VALUE, QMath.fp16Bytes(c.bias()), c.outChannels());
    String wf = g.node("Cast", new String[] {w}, new String[] {g.fresh(p + ".weight")}, toFloat);
    String bf = g.node("Cast", new String[] {b}, new String[] {g.fresh(p + ".bias")}, toFloat);
    return g.node("Conv", new String[] {x, wf, bf}, new String[] {g.fresh(p + ".out")}, OnnxExporter.convAttrs(c));
  }

  @Override
  public float[] reference(Layer layer, LayerId p, float[] x, int[] shape) {
    return Forward.apply(rounded(layer), x, shape);
  }

  /** The layer with every weight rounded through fp16. */
  static Layer rounded(Layer layer) {
    return switch (layer) {
      case Layer.Linear l -> new Layer.Linear(l.in(), l.out(), round(l.weight()), round(l.bias()));
      case Layer.Conv2d c -> new Layer.Conv2d(c.inChannels(), c.outChannels(), c.kernel(), c.stride(), c.padding(),
          round(c.weight()), round(c.bias()));
      default -> layer;
    };
  }

  static float[] round(float[] a) {
    float[] r = new float[a.length];
    for (int i = 0; i < a.length; i++) r[i] = QMath.roundTripFp16(a[i]);
    return r;
  }
}
