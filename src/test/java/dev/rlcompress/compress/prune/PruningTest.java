package dev.rlcompress.compress.prune;

import static org.junit.jupiter.api.Assertions.*;

import dev.rlcompress.Fixtures;
import dev.rlcompress.cli.CliErrorsTest;
import dev.rlcompress.compress.Calibration;
import dev.rlcompress.compress.distill.Distiller;
import dev.rlcompress.model.Part;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.train.Algorithms;
import dev.rlcompress.train.Dqn;
import dev.rlcompress.train.Ppo;
import dev.rlcompress.train.TrainConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PruningTest {
  @TempDir Path dir;

  /** Training with no gradient step returns the initial weights, which provenance must rebuild exactly. */
  @Test
  void initialWeightsAreRebuiltFromProvenance() {
    PolicyModel dqn = Dqn.train(new TrainConfig("LunarLander-v3", 42, 50,
        Map.of("learning_starts", "1000", "eval_freq", "0", "net_arch", "32,32"), null, false, null)).model();
    assertEquals(dqn.actionHead().layers(), Algorithms.initialPolicy(dqn.provenance()).actionHead().layers());
    PolicyModel ppo = Ppo.train(new TrainConfig("CartPole-v1", 42, 64,
        Map.of("n_epochs", "0", "n_envs", "2", "n_steps", "32", "eval_freq", "0"), null, false, null)).model();
    assertEquals(ppo.actionHead().layers(), Algorithms.initialPolicy(ppo.provenance()).actionHead().layers());
  }

  @Test
  void iterativeFineTuningKeepsTheSparsityAndRecoversTheTeacher() {
    PolicyModel teacher = Dqn.train(new TrainConfig("LunarLander-v3", 1, 50,
        Map.of("learning_starts", "1000", "eval_freq", "0", "net_arch", "64,64"), null, false, null)).model();
    List<float[]> states = Fixtures.lunarLanderStates(2000, 1);
    PruneMethod m = new PruneMethod.Unstructured(Part.ALL, false);
    PolicyModel oneShot = m.prune(teacher, 0.8);
    PolicyModel iter = Pruning.prune(teacher, new Pruning.Options.FineTuned(m, 0.8, 4, Distiller.Config.of(150, 1e-4)),
        new Calibration.Given(states));
    assertEquals(0.8, UnstructuredPruner.sparsity(iter), 0.01, "fine-tuning never revives pruned weights");
    assertTrue(error(iter, teacher, states) < error(oneShot, teacher, states),
        "fine-tuned student is closer to the teacher than one-shot pruning");
    PolicyModel structured = Pruning.prune(teacher, new Pruning.Options.FineTuned(new PruneMethod.Structured(Importance.L2, Part.ALL),
        0.5, 2, Distiller.Config.of(100, 1e-4)), new Calibration.Given(states));
    assertEquals(List.of(8, 32, 32, 4), widthsOf(structured), "two steps of 29% leave half the units");
  }

  /** γ-weighted group sparse training shrinks the least important units' share of the group mass. */
  @Test
  void groupSparseTrainingConcentratesImportance() {
    PolicyModel teacher = Dqn.train(new TrainConfig("LunarLander-v3", 2, 50,
        Map.of("learning_starts", "1000", "eval_freq", "0", "net_arch", "32,32"), null, false, null)).model();
    List<float[]> states = Fixtures.lunarLanderStates(1000, 2);
    Distiller.Config c = Distiller.Config.of(300, 1e-3).withSeed(1);
    PolicyModel plain = Distiller.distill(teacher, teacher, states, c);
    PolicyModel sparse = Distiller.distill(teacher, teacher, states, c, dev.rlcompress.train.Mlp.Hooks.NONE,
        new GroupSparsity(teacher, 1e-2, 4));
    assertTrue(bottomHalfShare(sparse) < 0.8 * bottomHalfShare(plain),
        "sparse training empties the weakest units: " + bottomHalfShare(sparse) + " vs " + bottomHalfShare(plain));
    PolicyModel pruned = Pruning.prune(teacher, new Pruning.Options.SparseTrained(Importance.L2, 0.5,
        new Pruning.SparseTraining(50, 1e-2, 4), Distiller.Config.of(50, 1e-4).withSeed(1)), new Calibration.Given(states));
    assertEquals(List.of(8, 16, 16, 4), widthsOf(pruned));
    assertEquals("50", pruned.provenance().compression().getLast().parameters().get("group-sparse-train"));
  }

  /** Share of the first hidden layer's group L2 mass held by its weaker half of units. */
  static double bottomHalfShare(PolicyModel m) {
    var g = DependencyGraph.groups(m).get(0);
    double[] s = Importance.L2.scores(m, g);
    double[] sorted = s.clone();
    java.util.Arrays.sort(sorted);
    double low = 0, all = 0;
    for (int i = 0; i < sorted.length; i++) {
      all += sorted[i];
      if (i < sorted.length / 2) low += sorted[i];
    }
    return low / all;
  }

  static double error(PolicyModel a, PolicyModel b, List<float[]> states) {
    double e = 0;
    for (float[] s : states) {
      float[] x = a.forward(s), y = b.forward(s);
      for (int k = 0; k < x.length; k++) e += (x[k] - y[k]) * (x[k] - y[k]);
    }
    return e;
  }

  static List<Integer> widthsOf(PolicyModel m) {
    List<Integer> w = new java.util.ArrayList<>();
    for (Layer l : m.actionHead().layers()) if (l instanceof Layer.Linear lin) {
      if (w.isEmpty()) w.add(lin.in());
      w.add(lin.out());
    }
    return w;
  }

  @Test
  void pruneCommandRejectsBadInputWithoutWriting() throws Exception {
    PolicyModel teacher = Dqn.train(new TrainConfig("CartPole-v1", 1, 10,
        Map.of("learning_starts", "1000", "eval_freq", "0"), null, false, null)).model();
    Path in = dir.resolve("m.onnx"), out = dir.resolve("out.onnx");
    OnnxExporter.write(teacher, in);
    for (String[] args : List.of(
        new String[] {"prune", in.toString(), "--method", "l2", "--ratio", "1.0", "-o", out.toString()},
        new String[] {"prune", in.toString(), "--method", "l7", "--ratio", "0.3", "-o", out.toString()},
        new String[] {"prune", in.toString(), "--method", "l2", "--ratio", "0.3", "--sparse", "-o", out.toString()},
        new String[] {"sweep-prune", in.toString(), "--ratios", "0.5:0.1:0.1"})) {
      CliErrorsTest.Outcome o = CliErrorsTest.rlc(args);
      assertEquals(2, o.code(), String.join(" ", args) + ": " + o.err());
      assertTrue(o.err().startsWith("rlc: error: "), o.err());
      assertFalse(out.toFile().exists(), "nothing written");
    }
    CliErrorsTest.Outcome ok = CliErrorsTest.rlc("prune", in.toString(), "--method", "l1", "--ratio", "0.5", "-o", out.toString());
    assertEquals(0, ok.code(), ok.err());
    assertTrue(out.toFile().exists());
  }
}
