package dev.rlcompress.runtime;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * What ONNX Runtime actually executes: the operator counts of the graph after its optimizations. Graph
 * shape decides whether integer kernels run (a DynamicQuantizeMatMul or QGemm, versus float math around
 * dequantized weights), so quantized variants are checked here, not assumed.
 */
public final class GraphInspector {
  private GraphInspector() {}

  public static Map<String, Integer> optimizedOps(Path model) {
    try {
      Path tmp = Files.createTempFile("rlc-optimized", ".onnx");
      try {
        try (OrtSession.SessionOptions o = OrtPolicy.options(tmp);
            OrtSession s = OrtEnvironment.getEnvironment().createSession(model.toString(), o)) {
          // creating the session writes the optimized graph
        }
        ModelProto p = ModelProto.parseFrom(Files.readAllBytes(tmp));
        Map<String, Integer> ops = new TreeMap<>();
        for (NodeProto n : p.getGraph().getNodeList()) ops.merge(n.getOpType(), 1, Integer::sum);
        return ops;
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException | OrtException e) {
      throw new IllegalStateException("cannot inspect the optimized graph of " + model + ": " + e.getMessage(), e);
    }
  }
}
