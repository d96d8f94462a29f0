package dev.rlcompress.eval;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.runtime.Policy;
import java.util.ArrayList;
import java.util.List;

/**
 * The variants of one comparison table, held in memory: {@link #measure()} opens each in its engine
 * and evaluates them all with the one evaluator, latency interleaved across variants so the table's
 * ratios are fair. Sizes are the variants' serialized sizes, what their files would take.
 */
public final class Comparison {
  private record Variant(String label, ModelProto proto, String runtime) {}

  private final String envId;
  private final EvalOptions options;
  private final ModelProto reference;
  private final String referenceName;
  private final List<Variant> variants = new ArrayList<>();

  /** @param reference the model agreement is measured against (usually the unpruned, unquantized one) */
  public Comparison(String envId, EvalOptions options, ModelProto reference, String referenceName) {
    this.envId = envId;
    this.options = options;
    this.reference = reference;
    this.referenceName = referenceName;
  }

  public Comparison add(String label, ModelProto proto, String runtime) {
    variants.add(new Variant(label, proto, runtime));
    return this;
  }

  public Comparison add(String label, ModelProto proto) {
    return add(label, proto, "ort");
  }

  /** Adds an fp32 model, exported by the one exporter. */
  public Comparison add(String label, PolicyModel m) {
    return add(label, OnnxExporter.toProto(m));
  }

  public List<EvalReport> measure() {
    List<Policy> open = new ArrayList<>();
    try (Policy ref = Policy.of(reference, referenceName, "ort")) {
      List<String> labels = new ArrayList<>();
      for (Variant v : variants) {
        open.add(Policy.of(v.proto(), v.label(), v.runtime()));
        labels.add(v.label());
      }
      return Evaluator.evaluateAll(open, labels, envId, options, ref);
    } finally {
      for (Policy p : open) p.close();
    }
  }
}
