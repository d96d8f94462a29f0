package dev.rlcompress.compress.prune;

import static org.junit.jupiter.api.Assertions.*;

import dev.rlcompress.Fixtures;
import dev.rlcompress.model.Head;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.Part;
import dev.rlcompress.onnx.ModelStats;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.model.Provenance;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.onnx.OnnxImporter;
import dev.rlcompress.onnx.SparseStorage;
import dev.rlcompress.runtime.OrtPolicy;
import dev.rlcompress.runtime.SparsePolicy;
import dev.rlcompress.train.Mlp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnstructuredAndSparseTest {
  @TempDir static Path dir;
  static PolicyModel m;

  @BeforeAll
  static void model() {
    Mlp net = new Mlp(new int[] {8, 256, 256, 4}, Layer.Activation.Kind.RELU, Double.NaN, new SplittableRandom(7));
    m = new PolicyModel(new int[] {8}, null, List.of(), List.of(new Head("q", new HeadKind.QValues(), net.toLayers())),
        new Provenance("dqn", "LunarLander-v3", 7, Map.of(), 0, List.of()));
  }

  @Test
  void csrTanhMatchesMathTanh() throws Exception {
    for (float x = -12f; x <= 12f; x += 0.001f)
      assertEquals((float) Math.tanh(x), dev.rlcompress.runtime.SparsePolicyAccess.tanh(x), 3e-7f, "x=" + x);
  }

  @Test
  void perLayerAndGlobalMagnitudePruningHitTheRatio() {
    PolicyModel p = UnstructuredPruner.prune(m, 0.3, Part.ALL, false);
    for (Layer l : p.allLayers())
      if (l instanceof Layer.Linear lin) {
        long z = 0;
        for (float w : lin.weight()) if (w == 0f) z++;
        assertEquals(Math.floor(0.3 * lin.weight().length), z, 1.0, "each layer loses 30%: " + lin);
      }
    PolicyModel g = UnstructuredPruner.prune(m, 0.5, Part.ALL, true);
    assertEquals(0.5, UnstructuredPruner.sparsity(g), 1e-4);
    // The pruned weights are the smallest: every surviving |w| is >= every pruned original |w|.
    Layer.Linear before = (Layer.Linear) m.actionHead().layers().get(2), after = (Layer.Linear) p.actionHead().layers().get(2);
    float maxPruned = 0, minKept = Float.MAX_VALUE;
    for (int i = 0; i < before.weight().length; i++)
      if (after.weight()[i] == 0f) maxPruned = Math.max(maxPruned, Math.abs(before.weight()[i]));
      else minKept = Math.min(minKept, Math.abs(after.weight()[i]));
    assertTrue(maxPruned <= minKept);
    PolicyModel head = UnstructuredPruner.prune(m, 0.5, Part.HEAD, false);
    assertEquals(m.actionHead().layers().get(0), head.actionHead().layers().get(0), "head-only pruning leaves features alone");
  }

  @Test
  void sparseStorageShrinksTheFileAboveHalfSparsityAndLoadsEverywhere() throws Exception {
    PolicyModel p = UnstructuredPruner.prune(m, 0.9, Part.ALL, false);
    Path dense = dir.resolve("dense.onnx"), sparse = dir.resolve("sparse.onnx");
    OnnxExporter.write(p, dense);
    OnnxExporter.write(SparseStorage.toSparse(OnnxExporter.toProto(p), 0.0), sparse);
    assertTrue(Files.size(sparse) < 0.3 * Files.size(dense), Files.size(sparse) + " vs " + Files.size(dense));
    assertEquals(p, OnnxImporter.read(sparse), "sparse storage is lossless");
    assertEquals(ModelStats.of(dense).params(), ModelStats.of(sparse).params());
    assertEquals(ModelStats.of(dense).sparsity(), ModelStats.of(sparse).sparsity(), 1e-9);
    List<float[]> states = Fixtures.lunarLanderStates(500, 3);
    try (OrtPolicy a = OrtPolicy.load(dense); OrtPolicy b = OrtPolicy.load(sparse); SparsePolicy c = SparsePolicy.load(sparse)) {
      float[][] batch = states.toArray(new float[0][]);
      float[][] ya = a.run(batch), yb = b.run(batch), yc = c.run(batch);
      for (int i = 0; i < batch.length; i++) {
        float[] ref = p.forward(batch[i]);
        for (int k = 0; k < 4; k++) {
          float tol = 1e-5f * (1 + Math.abs(ref[k]));
          assertEquals(ref[k], ya[i][k], tol);
          assertEquals(ref[k], yb[i][k], tol);
          assertEquals(ref[k], yc[i][k], tol, "CSR engine");
        }
        assertArrayEquals(yc[i], c.run(batch[i]), 1e-6f, "batch-1 and batched CSR agree");
      }
    }
  }
}
