package dev.rlcompress.rt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlcompress.Fixtures;
import dev.rlcompress.eval.RuntimeBench;
import dev.rlcompress.onnx.OnnxImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link RlcPolicy.Startup#FAST}: the scalar evaluator that answers while the vector kernels compile
 * agrees with them to float rounding on every committed float MLP (discrete, Gaussian and tanh heads,
 * with and without observation normalization); once compiled, a FAST policy answers bit for bit as a
 * COMPILED one; graphs the evaluator does not cover load compiled.
 */
class FastStartupTest {
  static final Path MODELS = Path.of(System.getProperty("rlc.home"), "docs/results/models");

  /** States for a model: LunarLander states for the 8-input policies, standard normal ones otherwise. */
  static List<float[]> states(int inputs, int n) {
    if (inputs == 8) return Fixtures.lunarLanderStates(n, 23);
    SplittableRandom rng = new SplittableRandom(23);
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] x = new float[inputs];
      for (int k = 0; k < inputs; k++) x[k] = (float) (rng.nextGaussian());
      out.add(x);
    }
    return out;
  }

  @Test
  void theScalarEvaluatorAgreesWithTheKernelsAndTheKernelsTakeOverUnchanged() throws Exception {
    for (String file : List.of("dqn-lunarlander-v3.onnx", "ppo-lunarlander-v3.onnx", "sac-lunarlandercontinuous-v3.onnx",
        "ppo-halfcheetah-v4.onnx", "td3-hopper-v4.onnx", "trpo-hopper-v4.onnx")) {
      byte[] bytes = Files.readAllBytes(MODELS.resolve(file));
      RlcPolicy fast = RlcPolicy.load(bytes, file, RlcPolicy.Startup.FAST);
      RlcPolicy compiled = RlcPolicy.load(bytes, file);
      assertTrue(compiled.isCompiled());
      assertEquals(compiled.outputSize(), fast.outputSize(), file);
      assertEquals(compiled.inputSize(), fast.inputSize(), file);
      assertEquals(compiled.head().kind(), fast.head().kind(), file);
      assertArrayEquals(compiled.head().low(), fast.head().low(), file);
      List<float[]> obs = states(fast.inputSize(), 500);
      for (float[] o : obs) {
        float[] ref = compiled.run(o), scalar = fast.interpret(o), either = fast.run(o);
        float scale = 1;
        for (float v : ref) scale = Math.max(scale, Math.abs(v));
        // A float sum of K products is within K·2^-24 of Σ|w·x| (first-order bound): 1.5e-5 to 2.4e-5 of
        // it for these 256- to 400-input layers, compounded over three layers, where Σ|w·x| runs several
        // times |y|. The kernels' summation order differs by tile plan (AVX2 or AVX-512), so the test
        // allows 1e-4 of the output's scale rather than the 2e-5 one order happened to meet.
        for (int k = 0; k < ref.length; k++) {
          assertEquals(ref[k], scalar[k], 1e-4f * scale, file + " scalar output " + k);
          assertEquals(ref[k], either[k], 1e-4f * scale, file + " output " + k + " while compiling");
        }
      }
      fast.awaitCompiled();
      assertTrue(fast.isCompiled(), file);
      assertEquals(compiled.describe(), fast.describe(), file);
      for (float[] o : obs) assertArrayEquals(compiled.run(o), fast.run(o), file + ": the compiled kernels answer as COMPILED's");
    }
  }

  @Test
  void graphsTheEvaluatorDoesNotCoverLoadCompiled() throws Exception {
    // A convolutional policy, and the quantized variants of the DQN (QDQ, dynamic int8, int4, binary, fp16).
    RlcPolicy cnn = RlcPolicy.load(Files.readAllBytes(MODELS.resolve("ppo-pong-v5.onnx")), "pong", RlcPolicy.Startup.FAST);
    assertTrue(cnn.isCompiled());
    assertThrows(IllegalStateException.class, () -> cnn.interpret(new float[cnn.inputSize()]));
    var dqn = OnnxImporter.read(MODELS.resolve("dqn-lunarlander-v3.onnx"));
    int covered = 0;
    for (RuntimeBench.Variant v : RuntimeBench.variants(dqn, Fixtures.lunarLanderStates(200, 3), 5)) {
      RlcPolicy p = RlcPolicy.load(v.proto().toByteArray(), v.name(), RlcPolicy.Startup.FAST);
      if (v.quantized() != null) assertTrue(p.isCompiled(), v.name() + " should load compiled");
      else covered++;
      p.awaitCompiled();
    }
    assertFalse(covered == 0, "the float variants (fp32, pruned) should be covered");
  }
}
