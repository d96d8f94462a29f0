package dev.rlcompress.compress.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.rlcompress.model.Forward;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.LayerId;
import dev.rlcompress.onnx.GraphBuilder;
import dev.rlcompress.onnx.ModelFormat;
import dev.rlcompress.onnx.OnnxExporter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The explicit full-fp16 graph: the observation is cast to fp16 on entry, every weight and every
 * intermediate tensor is fp16, outputs are cast back to fp32. Offered because the pixel-game study ran
 * fp16 end to end; on x64 CPUs ONNX Runtime has few fp16 kernels, so expect it to be slow — compare with
 * {@link Fp16Weights}. Applies to the whole network (every layer is selected).
 */
public final class Fp16Graph implements LayerScheme {
  @Override
  public String describe() {
    return "fp16-full-graph";
  }

  @Override
  public boolean supports(Layer layer) {
    return Fp16Weights.storesHalf(layer);
  }

  @Override
  public String write(GraphBuilder g, Layer layer, LayerId prefix, String input, int[] shape) {
    return OnnxExporter.FP32.write(g, layer, prefix, input, shape); // converted wholesale in finish()
  }

  /** fp16 inputs and weights, fp32 accumulation, fp16 output: the arithmetic of ORT's fp16 kernels. */
  @Override
  public float[] reference(Layer layer, LayerId prefix, float[] x, int[] shape) {
    float[] y = Forward.apply(Fp16Weights.rounded(layer), Fp16Weights.round(x), shape);
    return Fp16Weights.round(y);
  }

  @Override
  public float stepBound(Layer layer, LayerId prefix, float[] x, int[] shape) {
    float u = (float) Math.pow(2, -11); // fp16 unit roundoff
    float[] y = Forward.apply(layer, x, shape);
    float maxY = 0;
    for (float v : y) maxY = Math.max(maxY, Math.abs(v));
    return QuantBounds.floatRounding(layer, x, u) * 2 + 2 * u * maxY;
  }

  @Override
  public ModelProto finish(ModelProto proto) {
    GraphProto.Builder g = proto.getGraph().toBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      TensorProto t = g.getInitializer(i);
      if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) continue;
      ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      float[] f = new float[b.remaining() / 4];
      b.asFloatBuffer().get(f);
      g.setInitializer(i, t.toBuilder().setDataType(TensorProto.DataType.FLOAT16_VALUE)
          .setRawData(ByteString.copyFrom(QMath.fp16Bytes(f))));
    }
    String in16 = ModelFormat.INPUT_NAME + "_fp16";
    for (int i = 0; i < g.getNodeCount(); i++) {
      NodeProto n = g.getNode(i);
      NodeProto.Builder nb = n.toBuilder();
      for (int k = 0; k < n.getInputCount(); k++)
        if (n.getInput(k).equals(ModelFormat.INPUT_NAME)) nb.setInput(k, in16);
      boolean producesOutput = g.getOutputList().stream().anyMatch(o -> o.getName().equals(n.getOutput(0)));
      if (producesOutput && n.getOpType().equals("Identity"))
        nb.setOpType("Cast").addAttribute(toType(TensorProto.DataType.FLOAT_VALUE));
      g.setNode(i, nb);
    }
    NodeProto cast = NodeProto.newBuilder().setOpType("Cast").setName("cast_input_fp16")
        .addInput(ModelFormat.INPUT_NAME).addOutput(in16).addAttribute(toType(TensorProto.DataType.FLOAT16_VALUE)).build();
    g.addNode(0, cast);
    return proto.toBuilder().setGraph(g).build();
  }

  private static AttributeProto toType(int type) {
    return AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT).setI(type).build();
  }
}
