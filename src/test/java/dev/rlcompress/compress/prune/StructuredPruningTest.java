package dev.rlcompress.compress.prune;

import static dev.rlcompress.Fixtures.rand;
import static org.junit.jupiter.api.Assertions.*;

import dev.rlcompress.model.CompressionStep;
import dev.rlcompress.model.Forward;
import dev.rlcompress.model.LayerId;
import dev.rlcompress.model.Part;
import dev.rlcompress.model.Head;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.model.Provenance;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.util.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graph consistency: a structurally pruned model computes exactly what the original computes with the
 * removed units' activations forced to zero.
 */
class StructuredPruningTest {
  @TempDir Path dir;
  static final Provenance P = new Provenance("test", "none", 0, Map.of(), 0, List.of());
  static final List<Importance> IMPORTANCES = List.of(Importance.L1, Importance.L2, Importance.GROUP, new Importance.Random(1));
  static final Layer RELU = new Layer.Activation(Layer.Activation.Kind.RELU), TANH = new Layer.Activation(Layer.Activation.Kind.TANH);

  static Layer.Linear lin(int in, int out, SplittableRandom rng) {
    return new Layer.Linear(in, out, rand(in * out, rng), rand(out, rng));
  }

  /**
   * Runs {@code head} of the original model, zeroing after every layer of a group's producer (and its
   * activation) the units the plan removed. Written independently of the pruner's slicing.
   */
  static float[] maskedForward(PolicyModel m, Head head, StructuredPruner.Plan plan, float[] obs) {
    float[] x = obs;
    int[] shape = m.inputShape();
    Set<Integer> zero = null;
    int spatial = 1;
    List<Layer> trunkThenHead = new java.util.ArrayList<>(m.trunk());
    trunkThenHead.addAll(head.layers());
    for (int i = 0; i < trunkThenHead.size(); i++) {
      Layer l = trunkThenHead.get(i);
      LayerId name = i < m.trunk().size() ? LayerId.trunk(i) : LayerId.of(head, i - m.trunk().size());
      x = Forward.apply(l, x, shape);
      shape = Forward.shapeAfter(l, shape);
      if (plan.kept().containsKey(name)) {
        zero = new HashSet<>();
        for (int k = 0; k < shape[0]; k++) zero.add(k);
        for (int k : plan.kept().get(name)) zero.remove(k);
        spatial = shape.length == 3 ? shape[1] * shape[2] : 1;
      }
      if (zero != null && !(l instanceof Layer.Linear || l instanceof Layer.Conv2d) || (zero != null && plan.kept().containsKey(name))) {
        for (int k : zero) for (int j = 0; j < spatial; j++) x[k * spatial + j] = 0f; // flatten keeps channel-major order
      }
      boolean nextWeighted = i + 1 < trunkThenHead.size()
          && (trunkThenHead.get(i + 1) instanceof Layer.Linear || trunkThenHead.get(i + 1) instanceof Layer.Conv2d);
      if (nextWeighted) zero = null; // the consumer has been fed; masks apply per group
    }
    return x;
  }

  static void assertConsistent(PolicyModel m, Importance imp, double ratio, int inputs) {
    StructuredPruner.Plan plan = StructuredPruner.plan(m, imp, ratio, Map.of());
    PolicyModel pruned = StructuredPruner.apply(m, plan);
    assertTrue(pruned.parameterCount() < m.parameterCount(), "pruning removed parameters");
    SplittableRandom rng = new SplittableRandom(9);
    for (int t = 0; t < 100; t++) {
      float[] obs = rand(inputs, rng);
      for (Head h : m.heads()) {
        float[] expected = maskedForward(m, h, plan, obs);
        float[] actual = pruned.forward(h.name(), obs);
        assertArrayEquals(expected, actual, 1e-5f, imp + " head " + h.name());
      }
    }
  }

  @Test
  void mlpPrunedEqualsZeroedActivations() {
    SplittableRandom rng = new SplittableRandom(1);
    PolicyModel m = new PolicyModel(new int[] {8}, null, List.of(),
        List.of(new Head("q", new HeadKind.QValues(), List.of(lin(8, 64, rng), RELU, lin(64, 32, rng), RELU, lin(32, 4, rng)))), P);
    for (Importance imp : IMPORTANCES) assertConsistent(m, imp, 0.5, 8);
    PolicyModel pruned = StructuredPruner.prune(m, Importance.L2, 0.5, Part.ALL);
    assertEquals(List.of(8, 32, 16, 4), widths(pruned.actionHead().layers()), "units really removed");
    assertEquals(4, pruned.outputSize(), "output layer is never pruned");
    assertEquals(new CompressionStep.Pruning("structured-l2", Part.ALL, Map.of("ratio", "0.5")), pruned.provenance().compression().getLast());
  }

  @Test
  void sharedTrunkActorCriticPrunesTrunkAndBothHeadsConsistently() {
    SplittableRandom rng = new SplittableRandom(2);
    PolicyModel m = new PolicyModel(new int[] {6}, null, List.of(lin(6, 40, rng), TANH, lin(40, 30, rng), TANH),
        List.of(new Head("pi", new HeadKind.Categorical(), List.of(lin(30, 16, rng), TANH, lin(16, 3, rng))),
            new Head("v", new HeadKind.Value(), List.of(lin(30, 1, rng)))), P);
    List<DependencyGraph.Group> groups = DependencyGraph.groups(m);
    DependencyGraph.Group last = groups.stream().filter(g -> g.producer().id(m).equals(LayerId.trunk(2))).findFirst().orElseThrow();
    assertEquals(2, last.consumers().size(), "the trunk's last layer feeds actor and critic");
    for (Importance imp : IMPORTANCES) assertConsistent(m, imp, 0.4, 6);
  }

  @Test
  void cnnWithFlattenMapsChannelsToColumnBlocks() {
    SplittableRandom rng = new SplittableRandom(3);
    Layer.Conv2d c1 = new Layer.Conv2d(2, 6, 3, 1, 1, rand(6 * 2 * 9, rng), rand(6, rng));
    Layer.Conv2d c2 = new Layer.Conv2d(6, 4, 3, 2, 0, rand(4 * 6 * 9, rng), rand(4, rng));
    // 2x7x7 -> 6x7x7 -> 4x3x3 -> flatten 36 -> 10 -> 3
    PolicyModel m = new PolicyModel(new int[] {2, 7, 7}, null, List.of(c1, RELU, c2, RELU, new Layer.Flatten()),
        List.of(new Head("pi", new HeadKind.Categorical(), List.of(lin(36, 10, rng), RELU, lin(10, 3, rng)))), P);
    for (Importance imp : IMPORTANCES) assertConsistent(m, imp, 0.5, 98);
    PolicyModel pruned = StructuredPruner.prune(m, Importance.L1, 0.5, Part.ALL);
    assertEquals(18, ((Layer.Linear) pruned.actionHead().layers().get(0)).in(), "2 of 4 channels x 3x3 columns remain");
  }

  @Test
  void prunedModelExportsToASmallerFile() throws Exception {
    SplittableRandom rng = new SplittableRandom(4);
    PolicyModel m = new PolicyModel(new int[] {8}, null, List.of(),
        List.of(new Head("q", new HeadKind.QValues(), List.of(lin(8, 256, rng), RELU, lin(256, 256, rng), RELU, lin(256, 4, rng)))), P);
    Path a = dir.resolve("a.onnx"), b = dir.resolve("b.onnx");
    OnnxExporter.write(m, a);
    OnnxExporter.write(StructuredPruner.prune(m, Importance.L1, 0.5, Part.ALL), b);
    assertTrue(Files.size(b) < 0.3 * Files.size(a), Files.size(b) + " vs " + Files.size(a));
  }

  @Test
  void badRatiosAndUngroupableModelsAreRejected() {
    SplittableRandom rng = new SplittableRandom(5);
    PolicyModel m = new PolicyModel(new int[] {4}, null, List.of(),
        List.of(new Head("q", new HeadKind.QValues(), List.of(lin(4, 8, rng), RELU, lin(8, 2, rng)))), P);
    assertThrows(UserError.class, () -> StructuredPruner.prune(m, Importance.L1, 1.0, Part.ALL));
    assertThrows(UserError.class, () -> StructuredPruner.prune(m, Importance.L1, -0.1, Part.ALL));
    PolicyModel single = new PolicyModel(new int[] {4}, null, List.of(),
        List.of(new Head("q", new HeadKind.QValues(), List.of(lin(4, 2, rng)))), P);
    assertThrows(UserError.class, () -> StructuredPruner.prune(single, Importance.L1, 0.5, Part.ALL));
  }

  static List<Integer> widths(List<Layer> layers) {
    List<Integer> w = new java.util.ArrayList<>();
    for (Layer l : layers) if (l instanceof Layer.Linear lin) {
      if (w.isEmpty()) w.add(lin.in());
      w.add(lin.out());
    }
    return w;
  }
}
