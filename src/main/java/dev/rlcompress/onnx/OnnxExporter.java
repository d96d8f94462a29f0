package dev.rlcompress.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.rlcompress.model.Forward;
import dev.rlcompress.model.Head;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.LayerId;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.util.Files2;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link PolicyModel} as a plain fp32 ONNX graph: Gemm for Linear, Conv, Relu/Tanh, Flatten,
 * with the observation normalization folded in front. The one exporter every variant starts from;
 * compression methods rewrite layers through {@link LayerWriter} hooks rather than writing their own
 * exporter.
 */
public final class OnnxExporter {
  private OnnxExporter() {}

  /** How a weighted layer is emitted; the default writes fp32 Gemm/Conv, quantizers substitute their own. */
  public interface LayerWriter {
    /** Emits {@code layer} reading {@code input}; returns the output tensor name. */
    String write(GraphBuilder g, Layer layer, LayerId prefix, String input, int[] inputShape);
  }

  public static final LayerWriter FP32 = OnnxExporter::writeFp32;

  public static ModelProto toProto(PolicyModel m) {
    return toProto(m, FP32, false);
  }

  /**
   * Builds the graph, delegating each Linear/Conv layer to {@code writer}.
   *
   * @param microsoftOps whether the writer uses com.microsoft contrib ops
   */
  public static ModelProto toProto(PolicyModel m, LayerWriter writer, boolean microsoftOps) {
    m.requireFinite("the model to export");
    GraphBuilder g = new GraphBuilder("policy");
    Object[] inDims = new Object[m.inputShape().length + 1];
    inDims[0] = "batch";
    for (int i = 0; i < m.inputShape().length; i++) inDims[i + 1] = (long) m.inputShape()[i];
    g.input(ModelFormat.INPUT_NAME, TensorProto.DataType.FLOAT_VALUE, inDims);

    String x = ModelFormat.INPUT_NAME;
    if (m.normalization() != null) {
      long[] dims = m.normalization().isUniform() ? new long[] {1} : toLong(m.inputShape());
      String mean = g.floats("norm.mean", m.normalization().mean(), dims);
      String std = g.floats("norm.std", m.normalization().std(), dims);
      x = g.node("Sub", new String[] {x, mean}, g.fresh("centered"));
      x = g.node("Div", new String[] {x, std}, g.fresh("scaled"));
      String lo = g.floats("norm.clip_min", new float[] {-m.normalization().clip()});
      String hi = g.floats("norm.clip_max", new float[] {m.normalization().clip()});
      x = g.node("Clip", new String[] {x, lo, hi}, g.fresh("normalized"));
    }
    int[] shape = m.inputShape();
    x = writeLayers(g, m.trunk(), LayerId.TRUNK, x, shape, writer);
    int[] trunkShape = shape;
    for (Layer l : m.trunk()) trunkShape = Forward.shapeAfter(l, trunkShape);
    for (Head h : m.heads()) {
      String out = writeLayers(g, h.layers(), h.name(), x, trunkShape, writer);
      int[] headShape = trunkShape;
      for (Layer l : h.layers()) headShape = Forward.shapeAfter(l, headShape);
      int width = headShape[0];
      out = writeFinish(g, h, out);
      g.node("Identity", new String[] {out}, h.name());
      g.output(h.name(), TensorProto.DataType.FLOAT_VALUE, "batch", (long) width);
    }
    return g.build(ModelFormat.metadata(m), microsoftOps);
  }

  private static String writeLayers(
      GraphBuilder g, List<Layer> layers, String branch, String x, int[] shape, LayerWriter writer) {
    int[] s = shape;
    for (int i = 0; i < layers.size(); i++) {
      Layer l = layers.get(i);
      LayerId p = new LayerId(branch, i);
      x = switch (l) {
        case Layer.Linear lin -> writer.write(g, lin, p, x, s);
        case Layer.Conv2d c -> writer.write(g, c, p, x, s);
        case Layer.Activation a ->
            g.node(a.kind() == Layer.Activation.Kind.RELU ? "Relu" : "Tanh", new String[] {x}, g.fresh(p + ".act"));
        case Layer.Flatten f -> g.node("Flatten", new String[] {x}, new String[] {g.fresh(p + ".flat")}, Map.of("axis", 1L));
      };
      s = Forward.shapeAfter(l, s);
    }
    return x;
  }

  /**
   * The head kind's output stage ({@link dev.rlcompress.model.HeadKind#finish}) as nodes: tanh and the
   * rescaling to the action box (skipped where it is the identity), or the clip of a Gaussian's mean.
   */
  private static String writeFinish(GraphBuilder g, Head h, String x) {
    String p = h.name() + ".action";
    return switch (h.kind()) {
      case dev.rlcompress.model.HeadKind.TanhAction t -> {
        x = g.node("Tanh", new String[] {x}, g.fresh(p + ".tanh"));
        float[] scale = t.scale(), offset = t.offset();
        boolean identity = true;
        for (int i = 0; i < scale.length; i++) identity &= scale[i] == 1f && offset[i] == 0f;
        if (identity) yield x;
        x = g.node("Mul", new String[] {x, g.floats(p + ".scale", scale, scale.length)}, g.fresh(p + ".scaled"));
        yield g.node("Add", new String[] {x, g.floats(p + ".offset", offset, offset.length)}, g.fresh(p + ".out"));
      }
      case dev.rlcompress.model.HeadKind.Gaussian gs -> {
        x = g.node("Max", new String[] {x, g.floats(p + ".low", gs.low(), gs.low().length)}, g.fresh(p + ".above"));
        yield g.node("Min", new String[] {x, g.floats(p + ".high", gs.high(), gs.high().length)}, g.fresh(p + ".out"));
      }
      default -> x;
    };
  }

  private static String writeFp32(GraphBuilder g, Layer layer, LayerId p, String x, int[] shape) {
    return switch (layer) {
      case Layer.Linear lin -> {
        String w = g.floats(p + ".weight", lin.weight(), lin.out(), lin.in());
        String b = g.floats(p + ".bias", lin.bias(), lin.out());
        yield g.node("Gemm", new String[] {x, w, b}, new String[] {g.fresh(p + ".out")}, Map.of("transB", 1L));
      }
      case Layer.Conv2d c -> {
        String w = g.floats(p + ".weight", c.weight(), c.outChannels(), c.inChannels(), c.kernel(), c.kernel());
        String b = g.floats(p + ".bias", c.bias(), c.outChannels());
        yield g.node("Conv", new String[] {x, w, b}, new String[] {g.fresh(p + ".out")}, convAttrs(c));
      }
      default -> throw new IllegalArgumentException("not a weighted layer: " + layer);
    };
  }

  public static Map<String, Object> convAttrs(Layer.Conv2d c) {
    long k = c.kernel(), s = c.stride(), p = c.padding();
    return Map.of("kernel_shape", new long[] {k, k}, "strides", new long[] {s, s}, "pads", new long[] {p, p, p, p});
  }

  static long[] toLong(int[] a) {
    long[] r = new long[a.length];
    for (int i = 0; i < a.length; i++) r[i] = a[i];
    return r;
  }

  /** Writes the fp32 model to {@code path} atomically. */
  public static void write(PolicyModel m, Path path) {
    write(toProto(m), path);
  }

  /** Writes any model proto atomically: a crash never leaves a half-written file at {@code path}. */
  public static void write(ModelProto proto, Path path) {
    Files2.writeAtomically(path, proto.toByteArray());
  }
}
