package dev.rlcompress.onnx;

import static org.junit.jupiter.api.Assertions.*;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.rlcompress.Fixtures;
import dev.rlcompress.compress.Calibration;
import dev.rlcompress.compress.distill.Distiller;
import dev.rlcompress.compress.prune.Importance;
import dev.rlcompress.compress.prune.StructuredPruner;
import dev.rlcompress.compress.prune.UnstructuredPruner;
import dev.rlcompress.compress.quantize.Observer;
import dev.rlcompress.compress.quantize.QuantOptions;
import dev.rlcompress.compress.quantize.Quantizer;
import dev.rlcompress.model.Head;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.Part;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.model.Provenance;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Parameters are what the network has, whatever the storage: every quantization scheme, structured
 * pruning and sparse storage report the count of the in-memory model they were made from (int4's packed
 * bytes are not parameters).
 */
class ModelStatsTest {
  static final Layer RELU = new Layer.Activation(Layer.Activation.Kind.RELU);

  static PolicyModel mlp() {
    SplittableRandom rng = new SplittableRandom(3);
    List<Layer> layers = List.of(
        new Layer.Linear(8, 64, Fixtures.rand(512, rng), Fixtures.rand(64, rng)), RELU,
        new Layer.Linear(64, 64, Fixtures.rand(4096, rng), Fixtures.rand(64, rng)), RELU,
        new Layer.Linear(64, 4, Fixtures.rand(256, rng), Fixtures.rand(4, rng)));
    return new PolicyModel(new int[] {8}, null, List.of(), List.of(new Head("q", new HeadKind.QValues(), layers)),
        new Provenance("dqn", "LunarLander-v3", 3, Map.of(), 0, List.of()));
  }

  /** Zero weights and biases of the in-memory model, counted independently of any file. */
  static long zeros(PolicyModel m) {
    long z = 0;
    for (Layer l : m.allLayers()) {
      for (float w : Layer.weights(l)) if (w == 0f) z++;
      for (float b : Layer.bias(l)) if (b == 0f) z++;
    }
    return z;
  }

  @Test
  void everySchemeCountsTheModelsParameters() {
    PolicyModel m = mlp();
    long expected = 8 * 64 + 64 + 64 * 64 + 64 + 64 * 4 + 4;
    assertEquals(expected, m.parameterCount());
    Calibration.Source states = new Calibration.Given(Fixtures.lunarLanderStates(300, 4));
    Distiller.Config ft = Distiller.Config.of(5, 1e-4);
    Map<String, QuantOptions> schemes = new LinkedHashMap<>();
    schemes.put("ptdq", Quantizer.defaults("ptdq"));
    schemes.put("ptsq", new QuantOptions.Ptsq(Part.ALL, true, new Observer.MinMax(), true, true));
    schemes.put("fp16", Quantizer.defaults("fp16"));
    schemes.put("fp16-graph", new QuantOptions.Fp16Graph(false));
    schemes.put("int4", Quantizer.defaults("int4"));
    schemes.put("int4-block16", new QuantOptions.Int4(Part.ALL, 16, false));
    schemes.put("qat", new QuantOptions.Qat(Part.ALL, false, new Observer.MinMax(), ft, false));
    schemes.put("binary", new QuantOptions.Binary(Part.ALL, ft, false));
    for (var e : schemes.entrySet()) {
      ModelProto proto = Quantizer.quantize(m, e.getValue(), states).policy().toProto();
      ModelStats s = ModelStats.of(proto, proto.getSerializedSize());
      assertEquals(expected, s.params(), e.getKey());
      assertTrue(s.sparsity() >= 0 && s.sparsity() < 0.5, e.getKey() + " sparsity " + s.sparsity());
    }
    ModelProto fp32 = OnnxExporter.toProto(m);
    ModelStats f = ModelStats.of(fp32, fp32.getSerializedSize());
    assertEquals(expected, f.params());
    assertEquals(zeros(m), f.zeros());
  }

  @Test
  void prunedModelsDenseAndSparse() {
    PolicyModel m = mlp();
    PolicyModel structured = StructuredPruner.prune(m, Importance.L2, 0.5, Part.ALL);
    ModelProto s = OnnxExporter.toProto(structured);
    assertEquals(8 * 32 + 32 + 32 * 32 + 32 + 32 * 4 + 4, ModelStats.of(s, 0).params(), "structured pruning removes parameters");
    PolicyModel unstructured = UnstructuredPruner.prune(m, 0.9, Part.ALL, false);
    ModelProto dense = OnnxExporter.toProto(unstructured), sparse = SparseStorage.toSparse(dense, 0.0);
    for (ModelProto p : List.of(dense, sparse)) {
      ModelStats st = ModelStats.of(p, p.getSerializedSize());
      assertEquals(m.parameterCount(), st.params());
      assertEquals(zeros(unstructured), st.zeros());
      assertEquals((double) zeros(unstructured) / m.parameterCount(), st.sparsity(), 1e-12);
    }
  }
}
