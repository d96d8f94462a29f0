package dev.rlcompress.eval;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.rlcompress.compress.Calibration;
import dev.rlcompress.compress.distill.Distiller;
import dev.rlcompress.compress.prune.PruneMethod;
import dev.rlcompress.compress.quantize.QuantOptions;
import dev.rlcompress.compress.quantize.QuantizedPolicy;
import dev.rlcompress.compress.quantize.Quantizer;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.Part;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.onnx.SparseStorage;
import dev.rlcompress.runtime.JavaPolicy;
import dev.rlcompress.runtime.Policy;
import java.util.ArrayList;
import java.util.List;

/**
 * The Java runtime against ONNX Runtime on one policy and its compressed variants: every variant is
 * opened in both engines and all are timed in the same interleaved rounds ({@link LatencyBench}), so
 * the ratios hold on a shared machine. The variants are also what the runtime's exactness tests run.
 */
public final class RuntimeBench {
  private RuntimeBench() {}

  /**
   * One compressed form of a policy.
   *
   * @param quantized the quantized policy (its Java reference and error bound), null for float variants
   */
  public record Variant(String name, ModelProto proto, QuantizedPolicy quantized, PolicyModel model) {}

  /**
   * fp32, every quantization method (fp16 weights, dynamic and static int8, int4 blocks, binary), 50%
   * structured pruning and 90% unstructured pruning stored sparse.
   *
   * @param states calibration states (static int8) and fine-tuning states (binary)
   * @param binarySteps fine-tuning steps of the binary variant (its speed does not depend on them)
   */
  public static List<Variant> variants(PolicyModel fp32, List<float[]> states, int binarySteps) {
    PolicyModel m = fp32.actionOnly();
    Calibration.Source cal = new Calibration.Given(states);
    List<Variant> out = new ArrayList<>();
    out.add(new Variant("fp32", OnnxExporter.toProto(m), null, m));
    for (String method : List.of("fp16", "ptdq", "ptsq", "int4")) out.add(quantized(method, m, QuantOptions.defaults(method), cal));
    out.add(quantized("binary", m, new QuantOptions.Binary(Part.ALL, Distiller.Config.of(binarySteps, 1e-3), false), cal));
    PolicyModel structured = PruneMethod.parse("l2", Part.ALL, false, 0).prune(m, 0.5);
    out.add(new Variant("structured-50%", OnnxExporter.toProto(structured), null, structured));
    PolicyModel sparse = PruneMethod.parse("l1-unstructured", Part.ALL, false, 0).prune(m, 0.9);
    out.add(new Variant("unstructured-90% (sparse file)", SparseStorage.toSparse(OnnxExporter.toProto(sparse), 0.5), null, sparse));
    return out;
  }

  private static Variant quantized(String name, PolicyModel m, QuantOptions o, Calibration.Source cal) {
    QuantizedPolicy q = Quantizer.quantize(m, o, cal).policy();
    return new Variant(name, q.toProto(), q, q.model());
  }

  /**
   * Latencies of one variant in both engines (medians over rounds) and the Java runtime's kernel plan.
   *
   * @param javaB1Rounds the Java batch-1 figure of every round, in round order (paired across variants)
   */
  public record Row(String variant, double ortB1Micros, double javaB1Micros, double ortBatchMillis, double javaBatchMillis,
      long javaWeightBytes, List<String> kernels, double[] javaB1Rounds) {
    /** Rounds in which this variant's Java batch-1 call was slower than {@code other}'s in the same round. */
    public int slowerRoundsThan(Row other) {
      int n = 0;
      for (int r = 0; r < javaB1Rounds.length; r++) n += javaB1Rounds[r] > other.javaB1Rounds[r] ? 1 : 0;
      return n;
    }
  }

  /** Opens every variant in ORT and Java and times all of them together, rotating the order each round. */
  public static List<Row> measure(String label, List<Variant> variants, List<float[]> obs, int rounds, int passes, int batch) {
    List<Policy> open = new ArrayList<>();
    try {
      for (Variant v : variants) {
        open.add(Policy.of(v.proto(), label + " " + v.name(), "ort"));
        open.add(Policy.of(v.proto(), label + " " + v.name(), "java"));
      }
      LatencyBench.Rounds all = LatencyBench.measureRounds(open, obs, rounds, passes, batch);
      double[][] t = all.medians();
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < variants.size(); i++) {
        JavaPolicy j = (JavaPolicy) open.get(2 * i + 1);
        rows.add(new Row(variants.get(i).name(), t[2 * i][0], t[2 * i + 1][0], t[2 * i][1], t[2 * i + 1][1],
            j.compiled().weightBytes(), j.compiled().describe(), all.b1()[2 * i + 1]));
      }
      return rows;
    } finally {
      for (Policy p : open) p.close();
    }
  }

  /** Multiply-adds of one forward pass of the action path (Linear layers; Conv by its output positions). */
  public static long macs(PolicyModel m) {
    long n = 0;
    int[] shape = m.inputShape();
    for (PolicyModel.NamedLayer nl : m.actionPath()) {
      Layer l = nl.layer();
      int[] next = dev.rlcompress.model.Forward.shapeAfter(l, shape);
      if (l instanceof Layer.Linear lin) n += (long) lin.in() * lin.out();
      if (l instanceof Layer.Conv2d c) n += (long) c.weight().length * next[1] * next[2];
      shape = next;
    }
    return n;
  }
}
