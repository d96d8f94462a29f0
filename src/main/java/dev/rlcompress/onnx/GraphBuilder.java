package dev.rlcompress.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * Builds ONNX graphs node by node. The single place that knows protobuf's shape, used by the fp32
 * exporter and by every compression method that writes its own graph form.
 */
public final class GraphBuilder {
  /** Opset 21: Gemm, Conv, QuantizeLinear with per-axis scales, DynamicQuantizeLinear, MatMulInteger. */
  public static final int OPSET = 21;

  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private int counter;

  public GraphBuilder(String name) {
    graph.setName(name);
  }

  /** A fresh tensor name with the given prefix. */
  public String fresh(String prefix) {
    return prefix + "_" + (counter++);
  }

  public void input(String name, int elemType, Object... dims) {
    graph.addInput(valueInfo(name, elemType, dims));
  }

  public void output(String name, int elemType, Object... dims) {
    graph.addOutput(valueInfo(name, elemType, dims));
  }

  private static ValueInfoProto valueInfo(String name, int elemType, Object... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      if (d instanceof String s) shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(s));
      else shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
    }
    TypeProto type =
        TypeProto.newBuilder()
            .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape))
            .build();
    return ValueInfoProto.newBuilder().setName(name).setType(type).build();
  }

  public String floats(String name, float[] data, long... dims) {
    ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(data);
    return raw(name, TensorProto.DataType.FLOAT_VALUE, b.array(), dims);
  }

  /** An initializer from raw little-endian bytes of the given ONNX element type. */
  public String raw(String name, int elemType, byte[] bytes, long... dims) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(elemType).setRawData(ByteString.copyFrom(bytes));
    for (long d : dims) t.addDims(d);
    graph.addInitializer(t);
    return name;
  }

  /**
   * Adds a node; attributes are Long, Float, String, long[] or float[]. Returns its first output.
   * Attributes are written in name order, whatever the map's: {@code Map.of} iterates in an order
   * salted per JVM, which made two exports of the same weights differ byte for byte.
   */
  public String node(String op, String[] inputs, String[] outputs, Map<String, Object> attrs) {
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(fresh(op));
    for (String i : inputs) n.addInput(i);
    for (String o : outputs) n.addOutput(o);
    for (var e : new java.util.TreeMap<>(attrs).entrySet()) n.addAttribute(attribute(e.getKey(), e.getValue()));
    graph.addNode(n);
    return outputs[0];
  }

  public String node(String op, String[] inputs, String output) {
    return node(op, inputs, new String[] {output}, Map.of());
  }

  /** Adds a node from a non-default operator domain (e.g. com.microsoft). */
  public String node(String domain, String op, String[] inputs, String[] outputs, Map<String, Object> attrs) {
    node(op, inputs, outputs, attrs);
    int last = graph.getNodeCount() - 1;
    graph.setNode(last, graph.getNode(last).toBuilder().setDomain(domain));
    return outputs[0];
  }

  private static AttributeProto attribute(String name, Object v) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
    switch (v) {
      case Long l -> a.setType(AttributeProto.AttributeType.INT).setI(l);
      case Integer i -> a.setType(AttributeProto.AttributeType.INT).setI(i);
      case Float f -> a.setType(AttributeProto.AttributeType.FLOAT).setF(f);
      case String s -> a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
      case long[] ls -> {
        a.setType(AttributeProto.AttributeType.INTS);
        for (long l : ls) a.addInts(l);
      }
      case float[] fs -> {
        a.setType(AttributeProto.AttributeType.FLOATS);
        for (float f : fs) a.addFloats(f);
      }
      default -> throw new IllegalArgumentException("unsupported attribute type for " + name);
    }
    return a.build();
  }

  /** The finished model with the given metadata (rl-compress writes provenance here). */
  public ModelProto build(Map<String, String> metadata, boolean needsMicrosoftDomain) {
    ModelProto.Builder m =
        ModelProto.newBuilder()
            .setIrVersion(10)
            .setProducerName("rl-compress")
            .setProducerVersion("0.1")
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
            .setGraph(graph);
    if (needsMicrosoftDomain)
      m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1));
    for (var e : metadata.entrySet())
      m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
    return m.build();
  }
}
