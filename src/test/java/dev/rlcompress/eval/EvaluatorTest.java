package dev.rlcompress.eval;

import static org.junit.jupiter.api.Assertions.*;

import dev.rlcompress.cli.CliErrorsTest;
import dev.rlcompress.model.Head;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.model.Provenance;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.runtime.OrtPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorTest {
  @TempDir Path dir;

  @Test
  void bootstrapIntervalBracketsTheMeanWithTheExpectedWidth() {
    double[] c = new double[50];
    java.util.Arrays.fill(c, 3.0);
    assertArrayEquals(new double[] {3.0, 3.0}, Stats.bootstrapCi95(c), 0.0);
    double[] x = new double[100];
    for (int i = 0; i < 100; i++) x[i] = i;
    double[] ci = Stats.bootstrapCi95(x);
    assertTrue(ci[0] < 49.5 && 49.5 < ci[1]);
    double halfWidth = 1.96 * Stats.std(x) / Math.sqrt(100); // normal approximation, about 5.7
    assertEquals(2 * halfWidth, ci[1] - ci[0], 1.5);
    assertEquals(28.866, Stats.std(x), 1e-3);
  }

  /** A CartPole policy that always pushes right: short episodes whose return equals their length. */
  @Test
  void metricsOfAKnownPolicy() throws Exception {
    Layer.Linear alwaysRight = new Layer.Linear(4, 2, new float[8], new float[] {0f, 1f});
    PolicyModel m = new PolicyModel(new int[] {4}, null, List.of(),
        List.of(new Head("q", new HeadKind.QValues(), List.of(alwaysRight))),
        new Provenance("test", "CartPole-v1", 0, Map.of(), 0, List.of()));
    Path f = dir.resolve("right.onnx"), l = dir.resolve("left.onnx");
    OnnxExporter.write(m, f);
    Layer.Linear alwaysLeft = new Layer.Linear(4, 2, new float[8], new float[] {1f, 0f});
    OnnxExporter.write(new PolicyModel(new int[] {4}, null, List.of(),
        List.of(new Head("q", new HeadKind.QValues(), List.of(alwaysLeft))), m.provenance()), l);
    try (OrtPolicy p = OrtPolicy.load(f); OrtPolicy left = OrtPolicy.load(l)) {
      EvalReport r = Evaluator.evaluate(p, "CartPole-v1", new EvalOptions(20, 5, true, 50, 100), left);
      assertEquals(20, r.episodes());
      assertEquals(r.meanEpisodeLength(), r.meanReturn(), 1e-9, "CartPole pays 1 per step");
      assertTrue(r.meanReturn() > 5 && r.meanReturn() < 20, "pushing right falls within a few steps: " + r.meanReturn());
      assertEquals(0.0, r.successRate());
      assertEquals(0.0, r.agreement(), "always right never agrees with always left");
      assertEquals(10, r.params());
      assertEquals(0.9, r.sparsity(), 1e-9, "8 zero weights and one zero bias among 10 parameters");
      assertTrue(r.latencyUsB1() > 0 && r.latencyMsB100() > 0);
      assertTrue(r.ci95Low() <= r.meanReturn() && r.meanReturn() <= r.ci95High());
      // Same seeds, same episodes.
      EvalReport again = Evaluator.evaluate(p, "CartPole-v1", new EvalOptions(20, 5, false, 50, 100), null);
      assertEquals(r.meanReturn(), again.meanReturn());
      assertTrue(Double.isNaN(again.agreement()) && Double.isNaN(again.latencyUsB1()));
    }
  }

  /** Flip analysis on outputs with known errors: the numbers follow from the definitions. */
  @Test
  void actionGapRowFollowsItsDefinitions() {
    float[][] ref = {{0f, 1f, 3f}, {2f, 0f, 1.5f}, {5f, 4f, 0f}, {0f, 0f, 1f}};
    // Errors on the leading pair: 0.5, 1, 0, 2; greedy actions kept on states 0, 2, 3 and flipped on 1.
    float[][] var = {{0f, 1f, 2.5f}, {1f, 0f, 1.5f}, {5f, 4f, 0f}, {0f, 0f, 3f}};
    double[] gap = {2, 0.5, 1, 1};
    ActionGaps.Row row = ActionGaps.row("v", ref, var, gap);
    assertEquals(Math.sqrt((0.25 + 1 + 0 + 4) / 4), row.errorRms(), 1e-9);
    assertEquals(2.0, row.errorP90(), 1e-9, "nearest-rank 90th percentile of {0, 0.5, 1, 2}");
    assertEquals(0.75, row.belowError(), 1e-9, "three gaps lie strictly below 2");
    assertEquals(0.75, row.agreement(), 1e-9);
  }

  @Test
  void diagnosticCommandsRunOnARealModel() throws Exception {
    Path model = Path.of("docs/results/models/ppo-lunarlander-v3.onnx"), fp16 = dir.resolve("fp16.onnx");
    CliErrorsTest.Outcome q = CliErrorsTest.rlc("quantize", model.toString(), "--method", "fp16", "-o", fp16.toString());
    assertEquals(0, q.code(), q.err());
    CliErrorsTest.Outcome gap = CliErrorsTest.rlc("action-gap", model.toString(), fp16.toString(), "--episodes", "2");
    assertEquals(0, gap.code(), gap.err());
    assertTrue(gap.out().contains("| " + fp16 + " |"), gap.out());
    CliErrorsTest.Outcome prof = CliErrorsTest.rlc("profile", model.toString(), "--batch", "10", "--passes", "100");
    assertEquals(0, prof.code(), prof.err());
    assertTrue(prof.out().contains("| Gemm |") || prof.out().contains("| FusedGemm |"), prof.out());
  }
}
