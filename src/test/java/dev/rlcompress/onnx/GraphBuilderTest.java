package dev.rlcompress.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GraphBuilderTest {
  /** One Conv node whose attributes arrive in the given order. */
  private static byte[] convGraph(List<String> order) {
    Map<String, Object> all = Map.of("kernel_shape", new long[] {8, 8}, "strides", new long[] {4, 4}, "pads", new long[] {0, 0, 0, 0});
    Map<String, Object> attrs = new LinkedHashMap<>();
    for (String k : order) attrs.put(k, all.get(k));
    GraphBuilder g = new GraphBuilder("conv");
    g.node("Conv", new String[] {"x", "w", "b"}, new String[] {"y"}, attrs);
    return g.build(Map.of(), false).toByteArray();
  }

  @Test
  void attributesAreWrittenInNameOrderWhateverTheMapsOrder() {
    // Map.of iterates in an order salted per JVM: two exports of one CNN used to differ byte for byte.
    byte[] a = convGraph(List.of("kernel_shape", "pads", "strides"));
    byte[] b = convGraph(List.of("strides", "kernel_shape", "pads"));
    byte[] c = convGraph(List.of("pads", "strides", "kernel_shape"));
    assertArrayEquals(a, b);
    assertArrayEquals(a, c);
    assertEquals(List.of("kernel_shape", "pads", "strides"),
        parse(a).getGraph().getNode(0).getAttributeList().stream().map(x -> x.getName()).toList());
  }

  private static ai.onnx.proto.OnnxMl.ModelProto parse(byte[] b) {
    try {
      return ai.onnx.proto.OnnxMl.ModelProto.parseFrom(b);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
