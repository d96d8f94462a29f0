package dev.rlcompress.autocompress;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.rlcompress.model.CompressionStep;
import java.util.function.Function;

/**
 * One candidate of the search, held in memory.
 *
 * @param label what it is, e.g. {@code "l2 q.0=0.5,q.2=0.5 +ft | q.0=int8-pc,q.2=int8-pc,q.4=fp32"}
 * @param base the base it was made from (the original, or a pruned/fine-tuned model)
 * @param runtime the engine it is measured and deployed on ("ort" or "java-sparse")
 * @param proto the graph as measured
 * @param withStep the same graph with one more provenance step (the search's own), for writing
 */
record Variant(String label, String base, String runtime, ModelProto proto, Function<CompressionStep, ModelProto> withStep) {
  long sizeBytes() {
    return proto.getSerializedSize();
  }
}
